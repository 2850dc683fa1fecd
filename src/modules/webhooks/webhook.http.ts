import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { CheckedTarget } from "./webhook.address.js";

/** What is kept of an answer's body: enough to debug an endpoint, not a place to store its output. */
export const RESPONSE_BODY_LIMIT = 2000;

export interface AttemptResult {
  status: number | null;
  body: string | null;
  durationMs: number;
  error: string | null;
}

/**
 * One POST to a checked target: connected to the address that was checked (the `lookup` hands
 * the socket that address whatever the DNS says now), redirects not followed (a 3xx is a
 * failure like any non-2xx), the whole exchange bounded by `timeoutMs`, and at most
 * RESPONSE_BODY_LIMIT characters of the answer read.
 */
export function postOnce(target: CheckedTarget, headers: Record<string, string>, body: string, timeoutMs: number, now: () => number = Date.now): Promise<AttemptResult> {
  // A span when tracing is on (server/observability), and its W3C traceparent on the request; without an SDK both are no-ops.
  return tracer.startActiveSpan(
    "webhook POST",
    { kind: SpanKind.CLIENT, attributes: { "http.request.method": "POST", "url.scheme": target.url.protocol.replace(":", ""), "server.address": target.url.hostname } },
    async (span) => {
      const traced = { ...headers };
      propagation.inject(context.active(), traced);
      const result = await post(target, traced, body, timeoutMs, now);
      if (result.status !== null) span.setAttribute("http.response.status_code", result.status);
      if (result.error) span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
      span.end();
      return result;
    },
  );
}

const tracer = trace.getTracer("deskql");

function post(target: CheckedTarget, headers: Record<string, string>, body: string, timeoutMs: number, now: () => number): Promise<AttemptResult> {
  const started = now();
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const send = target.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: now() - started });
    };
    const req = send(target.url, {
      method: "POST",
      lookup,
      agent: false,
      headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "DeskQL-Webhooks/1" },
    });
    const timer = setTimeout(() => {
      finish({ status: null, body: null, error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on("error", (error) => finish({ status: null, body: null, error: error.message.slice(0, 500) }));
    req.on("response", (res: IncomingMessage) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
        if (text.length >= RESPONSE_BODY_LIMIT) {
          res.destroy();
          done();
        }
      });
      const done = () => {
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        finish({ status, body: text.slice(0, RESPONSE_BODY_LIMIT), error: ok ? null : status >= 300 && status < 400 ? `answered ${status} (redirects are not followed)` : `answered ${status}` });
      };
      res.on("end", done);
      res.on("error", done);
    });
    req.end(body);
  });
}
