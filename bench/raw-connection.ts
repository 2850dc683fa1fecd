import { connect, type TLSSocket } from "node:tls";

export interface RawResponse {
  status: number;
  body: string;
}

const HEAD_END = Buffer.from("\r\n\r\n");
const CHUNKED_END = Buffer.from("0\r\n\r\n");

/**
 * One keep-alive HTTPS connection that sends a request and reads its response with as little
 * work as possible (one request at a time, no pipelining).
 *
 * The fixed-rate runs share two cores with the server, so the generator's own CPU decides how
 * much is left for the thing measured: undici's pool cost 0.55-0.77 ms of CPU per request here,
 * over twice autocannon's raw-socket client, and that alone overloaded the server at "70%".
 * This is autocannon's approach (a prebuilt request, a socket, the bytes counted) without its
 * pacing.
 */
export class RawConnection {
  private chunks: Buffer[] = [];
  private received = 0;
  private headLength = -1;
  private status = 0;
  /** Body length from content-length, or -1 while a chunked body has not ended. */
  private bodyLength = -1;
  private chunked = false;
  private waiting: { resolve(r: RawResponse): void; reject(e: Error): void } | null = null;
  /** The socket ended (the server closes idle keep-alive connections): open another. */
  closed = false;

  private constructor(private readonly socket: TLSSocket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.reject(error);
    };
    socket.on("error", fail);
    socket.on("close", () => {
      this.closed = true;
      fail(new Error("connection closed"));
    });
  }

  static open(port: number, ca: Buffer): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port, ca, servername: "localhost", ALPNProtocols: ["http/1.1"] }, () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  /** Sends `request` (a whole HTTP/1.1 request with content-length) and resolves with its response. */
  send(request: Buffer): Promise<RawResponse> {
    if (this.waiting) return Promise.reject(new Error("a request is already in flight on this connection"));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.received += chunk.length;
    if (this.headLength < 0 && !this.readHead()) return;
    const body = this.received - this.headLength;
    if (this.chunked ? !this.chunkedEnded() : body < this.bodyLength) return;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.received);
    const raw = all.subarray(this.headLength);
    const response = { status: this.status, body: this.chunked ? dechunk(raw) : raw.toString("utf8") };
    this.chunks = [];
    this.received = 0;
    this.headLength = -1;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve(response);
  }

  /** Parses the status line and the framing headers once they have all arrived. */
  private readHead(): boolean {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.received);
    this.chunks = [all];
    const end = all.indexOf(HEAD_END);
    if (end < 0) return false;
    const head = all.toString("latin1", 0, end);
    this.headLength = end + HEAD_END.length;
    this.status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    this.chunked = !length && /\r\ntransfer-encoding:\s*chunked/i.test(head);
    this.bodyLength = length ? Number(length[1]) : this.chunked ? -1 : 0;
    return true;
  }

  private chunkedEnded(): boolean {
    const last = this.chunks[this.chunks.length - 1]!;
    if (last.length >= CHUNKED_END.length) return last.subarray(last.length - CHUNKED_END.length).equals(CHUNKED_END);
    return Buffer.concat(this.chunks, this.received).subarray(-CHUNKED_END.length).equals(CHUNKED_END);
  }
}

/** Joins the chunks of a chunked body (no trailers: the servers measured send none). */
function dechunk(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", at);
    const size = parseInt(raw.toString("latin1", at, lineEnd), 16);
    if (!size) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts).toString("utf8");
}

/** A whole HTTP/1.1 POST with its body, ready to write. */
export function postRequest(path: string, headers: Record<string, string>, body: string): Buffer {
  const bytes = Buffer.from(body, "utf8");
  let head = `POST ${path} HTTP/1.1\r\nhost: localhost\r\nconnection: keep-alive\r\ncontent-length: ${bytes.length}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), bytes]);
}
