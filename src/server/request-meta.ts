import type { FastifyRequest } from "fastify";
import type { RequestMeta } from "../core/scope.js";

// One RequestMeta per request, so what GraphQL learns about it (the operation) reaches the request log.
const metas = new WeakMap<FastifyRequest, RequestMeta>();

/** The request facts we audit and rate-limit by. `request.ip` honours TRUST_PROXY. */
export function requestMeta(request: FastifyRequest): RequestMeta {
  let meta = metas.get(request);
  if (!meta) {
    const ua = request.headers["user-agent"];
    meta = { requestId: String(request.id), ip: request.ip, userAgent: typeof ua === "string" ? ua.slice(0, 512) : null };
    metas.set(request, meta);
  }
  return meta;
}

/** The GraphQL operation the request ran, once Apollo resolved it (whether or not the client named it). */
export function operationNameOf(request: FastifyRequest): string | undefined {
  return metas.get(request)?.operationName ?? undefined;
}
