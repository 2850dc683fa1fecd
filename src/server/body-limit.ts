import type { FastifyRequest } from "fastify";

/**
 * How much of an oversized body is read and dropped before the 413 goes out. A client learns of
 * the limit only from the answer, and keeps sending until then: closing on a body still arriving
 * makes the kernel reset the connection, and the client (Node's fetch among them) reports the
 * reset (EPIPE, ECONNRESET) instead of the 413 it was sent. Past this much, the connection is cut.
 */
const DRAIN_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Reads and drops the rest of a refused request's body, up to DRAIN_MAX_BYTES. Fastify refuses a
 * body over BODY_LIMIT_BYTES from its Content-Length before reading any of it, or, without one,
 * once it has read past the limit; either way the rest is still on its way.
 */
export function drainBody(request: FastifyRequest): Promise<void> {
  const raw = request.raw;
  if (raw.complete || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      raw.off("data", onData).off("end", done).off("error", done).off("close", done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_MAX_BYTES) done();
    };
    raw.on("data", onData).on("end", done).on("error", done).on("close", done);
  });
}
