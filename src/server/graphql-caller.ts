import type { EntityManager } from "@mikro-orm/core";
import type { FastifyReply, FastifyRequest } from "fastify";
import { rateLimitHeaders } from "../modules/rate-limit/query-budget.js";
import type { Services } from "../services.js";
import { ANONYMOUS, authenticate, INVALID_TOKEN_CHALLENGE, type Authentication } from "./viewer.js";

export interface GraphqlCaller {
  auth: Authentication;
  /** The request's own EntityManager, which authentication read the session or API token with. */
  em: EntityManager;
}

/**
 * Who calls /graphql, settled once per request before its body is even read (onRequest):
 *
 * - A presented token that does not verify (malformed, forged, expired, of an ended session, a
 *   revoked or expired API token) ends the request: HTTP 401, `WWW-Authenticate`, and one
 *   UNAUTHENTICATED error. It is never downgraded to an anonymous caller, which answered
 *   `me: null` and hid the problem, and it is answered before any budget is charged, so the
 *   client learns that its token is the problem (the web client then refreshes it), not
 *   RATE_LIMITED. Valid tokens cost what they did: the same cached verification, done earlier.
 * - Responses turned away before an operation runs (too many tokens, malformed JSON, 413, CSRF)
 *   still carry the caller's X-RateLimit-* headers; Apollo's own responses get them from
 *   rate-limit.plugin.ts.
 */
export function graphqlCaller(services: Services) {
  const callers = new WeakMap<FastifyRequest, GraphqlCaller>();
  return {
    async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
      const { authorization } = request.headers;
      if (!authorization) return; // anonymous: its EntityManager is forked when needed (of())
      const em = services.orm.em.fork();
      const auth = await authenticate(services, em, authorization, request.ip);
      callers.set(request, { auth, em });
      if (!auth.problem) return;
      // Returning the reply (Fastify's way for async hooks) ends the request here.
      return reply
        .code(401)
        .header("www-authenticate", INVALID_TOKEN_CHALLENGE)
        .send({ errors: [{ message: auth.problem, extensions: { code: "UNAUTHENTICATED" } }] });
    },

    /** The caller of a request that got past authenticate(). */
    of(request: FastifyRequest): GraphqlCaller {
      return callers.get(request) ?? { auth: ANONYMOUS, em: services.orm.em.fork() };
    },

    async rateLimitHeaders(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
      if (reply.hasHeader("x-ratelimit-limit")) return payload;
      const caller = callers.get(request);
      if (caller?.auth.problem) return payload; // a rejected token names no caller, hence no budget
      reply.headers(rateLimitHeaders(await services.queryBudget.peek(caller?.auth.viewer ?? null, request.ip)));
      return payload;
    },
  };
}
