import type { FastifyRequest } from "fastify";
import type { RequestMeta } from "../graphql/context.js";

/** The request facts we audit and rate-limit by. `request.ip` honours TRUST_PROXY. */
export function requestMeta(request: FastifyRequest): RequestMeta {
  const ua = request.headers["user-agent"];
  return { requestId: String(request.id), ip: request.ip, userAgent: typeof ua === "string" ? ua.slice(0, 512) : null };
}
