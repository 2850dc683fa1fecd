import { randomFillSync } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isSpanContextValid, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";

const POOL_BYTES = 16 * 512;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

function randomTraceId(): string {
  if (offset === POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += 16;
  const id = pool.toString("hex", offset - 16, offset);
  return id === "00000000000000000000000000000000" ? randomTraceId() : id;
}

/**
 * Hands the request id to the SDK as the new trace's id (tracing.sdk.ts's IdGenerator reads
 * `next`). Set and cleared around one synchronous startSpan call, so no other span can take it.
 */
export const traceIds: { next: string | undefined } = { next: undefined };

/**
 * The request id while tracing is on: the trace id, so a log line and a trace name each other.
 * It is the caller's trace id when a valid `traceparent` came, else a new random one (32 hex digits).
 */
export function traceRequestId(request: IncomingMessage): string {
  const remote = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, request.headers));
  return remote && isSpanContextValid(remote) ? remote.traceId : randomTraceId();
}
