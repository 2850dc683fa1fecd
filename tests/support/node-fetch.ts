import { execFile } from "node:child_process";

export interface FetchOutcome {
  status?: number;
  headers?: Record<string, string>;
  text?: string;
  /** What fetch threw instead of answering (its cause's code, such as EPIPE or ECONNRESET). */
  error?: string;
}

/**
 * Runs in the child: posts `size` bytes, with a Content-Length (one string, handed to the
 * socket at once, as an upload is) or chunked (a stream of 64 KiB chunks).
 */
const SCRIPT = `
const [url, size, mode] = process.argv.slice(1);
const total = Number(size);
const chunk = Buffer.alloc(65536, 120);
let sent = 0;
const body = mode === "content-length" ? "x".repeat(total) : new ReadableStream({
  pull(controller) {
    if (sent >= total) return controller.close();
    const n = Math.min(chunk.length, total - sent);
    sent += n;
    controller.enqueue(chunk.subarray(0, n));
  },
});
try {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" });
  console.log(JSON.stringify({ status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error.cause?.code ?? error.cause?.message ?? error.message) }));
}
`;

/**
 * POSTs `size` bytes to `url` with Node's own fetch (undici), in a child process that trusts
 * exactly the server's certificate (NODE_EXTRA_CA_CERTS is read at start-up only).
 */
export function postWithNodeFetch(url: string, caFile: string, size: number, mode: "content-length" | "chunked"): Promise<FetchOutcome> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", SCRIPT, url, String(size), mode],
      { env: { PATH: process.env.PATH ?? "", NODE_EXTRA_CA_CERTS: caFile }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split("\n").pop()!) as FetchOutcome);
      },
    );
  });
}
