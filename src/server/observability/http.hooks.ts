import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, isSpanContextValid, type Span } from "@opentelemetry/api";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { RequestMeta } from "../../core/scope.js";
import { currentStatementCount } from "../../db/statement-counter.js";
import { requestMeta } from "../request-meta.js";
import type { ServerMetrics } from "./metrics.registry.js";
import { INVALID_OPERATION } from "./operation-names.js";
import { traceIds } from "./trace-ids.js";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const tracer = trace.getTracer("deskql");

/** The route as registered (bounded), never the URL a client sent. */
const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? "unmatched";

/** Requests counted by route and status, timed, and their SQL statements counted (metrics.registry.ts). */
export function registerHttpMetrics(app: FastifyInstance, metrics: ServerMetrics, labels: WeakMap<RequestMeta, string>): void {
  app.addHook("onResponse", async (request, reply) => {
    const method = METHODS.has(request.method) ? request.method : "OTHER";
    const route = routeOf(request);
    metrics.httpRequests.inc({ method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method, route }, reply.elapsedTime / 1000);
    const operation = route === "/graphql" && request.method === "POST" ? (labels.get(requestMeta(request)) ?? INVALID_OPERATION) : "none";
    metrics.sqlStatements.observe({ route, operation }, currentStatementCount() ?? 0);
  });
}

/**
 * A server span per request, the parent of everything the request does (its GraphQL operation,
 * its SQL): the context of an incoming W3C `traceparent` is honoured, and the trace id is the
 * request id (trace-ids.ts), so the log lines of a request lead to its trace and back. Registered
 * right after the statement counter's hook: the context it enters holds for the rest of the request.
 */
export function registerHttpTracing(app: FastifyInstance): void {
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook("onRequest", (request, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const remote = trace.getSpanContext(parent);
    // Without a caller's trace, the new trace takes the request id that genReqId drew for it.
    if (!remote || !isSpanContextValid(remote)) traceIds.next = String(request.id);
    const span = tracer.startSpan(
      `${request.method} ${routeOf(request)}`,
      {
        kind: SpanKind.SERVER,
        attributes: { "http.request.method": request.method, "url.path": request.url.split("?")[0]!.slice(0, 500), "http.route": routeOf(request), "client.address": request.ip },
      },
      parent,
    );
    traceIds.next = undefined;
    spans.set(request, span);
    context.with(trace.setSpan(parent, span), done);
  });
  app.addHook("onResponse", async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute("http.response.status_code", reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    spans.delete(request);
  });
  app.addHook("onRequestAbort", async (request) => {
    const span = spans.get(request);
    if (!span) return;
    span.setStatus({ code: SpanStatusCode.ERROR, message: "the client went away" });
    span.end();
    spans.delete(request);
  });
}
