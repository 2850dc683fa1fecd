import type { FastifyReply, FastifyRequest } from "fastify";
import { GraphQLError } from "graphql";
import { LRUCache } from "lru-cache";
import type { AppConfig } from "../config.js";
import { AppError } from "../core/errors.js";
import { assertTokenLimit } from "../graphql/limits.js";
import { sendError } from "./error-envelope.js";
import type { ServerTuning } from "./tuning.js";

/**
 * QUERY_MAX_TOKENS, checked on the raw document before Apollo parses it. It lives in front of
 * Apollo because Apollo answers any error thrown from its source or parsing hooks with a 500.
 * Documents already accepted are remembered, so a client's repeated query is lexed once.
 */
export function graphqlTokenLimit(config: AppConfig, tuning: ServerTuning) {
  const accepted = tuning.caches === false ? null : new LRUCache<string, true>({ max: 1000 });
  const { maxTokens } = config.queryLimits;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const carrier = (request.method === "GET" ? request.query : request.body) as { query?: unknown } | undefined;
    const source = carrier && typeof carrier === "object" ? carrier.query : undefined;
    if (typeof source !== "string" || accepted?.has(source)) return;
    try {
      assertTokenLimit(source, maxTokens);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const { http: _http, code: _code, ...extensions } = error.extensions;
      return sendError(request, reply, new AppError("QUERY_TOO_LARGE", error.message, { extensions }));
    }
    accepted?.set(source, true);
  };
}
