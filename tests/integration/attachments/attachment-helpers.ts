import { request } from "node:https";
import { deflateSync } from "node:zlib";
import type { TestServer } from "../../support/server.js";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  json(): any;
}

/** An HTTPS exchange whose answer is kept as bytes (downloads are binary). */
export function raw(t: TestServer, path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}${path}`, { method: options.method ?? "GET", headers: options.headers, ca: t.ca, servername: "localhost" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, json: () => JSON.parse(bytes.toString("utf8")) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** POST /uploads as the web client and integrators send it: the file as the body, its name in ?name=. */
export function upload(t: TestServer, token: string | null, bytes: Buffer, name: string, type = "application/octet-stream"): Promise<RawResponse> {
  return raw(t, `/uploads?name=${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { "content-type": type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: bytes,
  });
}

/** Uploads and returns the id, failing the test with the answer when refused. */
export async function uploadId(t: TestServer, token: string, bytes: Buffer, name: string): Promise<string> {
  const res = await upload(t, token, bytes, name);
  if (res.status !== 201) throw new Error(`upload refused (${res.status}): ${res.bytes.toString("utf8").slice(0, 300)}`);
  return res.json().id as string;
}

export const download = (t: TestServer, token: string | null, path: string, headers: Record<string, string> = {}) =>
  raw(t, path, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

/** A real PNG of `width`×`height` (RGB, solid colour), built byte by byte: no image library in the tests. */
export function png(width = 8, height = 8, rgb: [number, number, number] = [200, 30, 30]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(pixels)), chunk("IEND", Buffer.alloc(0))]);
}

/** The first bytes of a Windows program (MZ header with a PE signature), padded: what file-type knows as an .exe. */
export function windowsExecutable(): Buffer {
  const bytes = Buffer.alloc(1024);
  bytes.write("MZ", 0, "ascii");
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write("PE\0\0", 0x80, "binary");
  return bytes;
}

/** An ELF program's header (Linux executables). */
export function elfExecutable(): Buffer {
  const bytes = Buffer.alloc(512);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(bytes);
  bytes.writeUInt16LE(2, 16); // ET_EXEC
  bytes.writeUInt16LE(0x3e, 18); // x86-64
  return bytes;
}

export const ATTACHMENT_FIELDS = "id fileName size contentType sha256 createdAt url thumbnailUrl isImage";
