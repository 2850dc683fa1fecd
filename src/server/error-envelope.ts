import type { FastifyReply, FastifyRequest } from "fastify";
import { AppError, InternalError, PayloadTooLargeError, ServiceUnavailableError } from "../core/errors.js";

/**
 * The one body every plain-HTTP error is answered with (refresh cookie, CSV export, static client,
 * body limit, 401s, 404s, Fastify's own errors): GraphQL-shaped, so a GraphQL client shows it
 * like any other error.
 */
export interface ErrorEnvelope {
  errors: [{ message: string; extensions: { code: string; [extension: string]: unknown } }];
}

export function envelopeOf(error: AppError): ErrorEnvelope {
  return { errors: [{ message: error.message, extensions: { ...error.extensions } }] };
}

/**
 * Answers `error` in the envelope with its status. An error that is not an AppError is logged
 * with the request id the client got in X-Request-Id, and masked.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  // The database unreachable or past a deadline: 503 with Retry-After, logged once per outage by outage.ts.
  const unavailable = error instanceof AppError ? undefined : request.server.outage?.classify(error);
  const known = error instanceof AppError ? error : (unavailable ?? new InternalError());
  if (!unavailable && (known !== error || known.logLevel === "error")) request.log.error({ err: error, requestId: request.id }, "unhandled error");
  if (known instanceof ServiceUnavailableError) reply.header("retry-after", String(known.retryAfterSeconds));
  return reply.code(known.status).send(envelopeOf(known));
}

/** What Fastify and its plugins throw (body parsing, schema validation, 413), as our errors. */
export function httpErrorOf(error: Error & { statusCode?: number }, bodyLimitBytes: number): unknown {
  if (error instanceof AppError) return error;
  const status = error.statusCode;
  if (status === 413) return new PayloadTooLargeError(bodyLimitBytes);
  // Fastify's 4xx messages name what was wrong with the request (malformed JSON, a missing body), never internals.
  if (status && status >= 400 && status < 500) return new AppError("BAD_REQUEST", error.message, { status });
  return error;
}

/** A path nothing answers. */
export function noRouteError(request: FastifyRequest): AppError {
  return new AppError("NOT_FOUND", `No route for ${request.method} ${request.url.split("?")[0]}`);
}
