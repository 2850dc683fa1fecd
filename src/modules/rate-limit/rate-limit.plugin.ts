import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../../graphql/context.js";
import { estimateCost } from "../../graphql/limits.js";
import type { Services } from "../../services.js";
import { pointsFor, QueryBudgetExceededError, type RateLimitStatus } from "./query-budget.js";

function setHeaders(headers: Map<string, string>, status: RateLimitStatus): void {
  headers.set("x-ratelimit-limit", String(status.limit));
  headers.set("x-ratelimit-remaining", String(status.remaining));
  headers.set("x-ratelimit-reset", String(Math.ceil(status.resetAt.getTime() / 1000))); // epoch seconds, as GitHub
}

/**
 * Charges each operation's points to its caller's hourly budget (query-budget.ts) once it is
 * validated and costed, puts X-RateLimit-* headers on every response, answers an exhausted
 * budget with RATE_LIMITED (HTTP 429, Retry-After), and audits rate-limit hits of any limiter.
 *
 * Listed after protectionPlugin: both run in didResolveOperation, and that plugin's synchronous
 * part sets `queryCost` before this one reads it (a query over QUERY_MAX_COST is refused
 * there and not charged here).
 */
export function rateLimitPlugin(services: Services): ApolloServerPlugin<Context> {
  const { queryBudget, rateLimitAudit, config } = services;
  return {
    async requestDidStart() {
      let exceeded: QueryBudgetExceededError | undefined;
      return {
        async didResolveOperation({ contextValue: ctx, document, operationName, request, schema }) {
          const cost = ctx.queryCost ?? estimateCost(schema, document, operationName ?? undefined, request.variables ?? {});
          if (cost > config.queryLimits.maxCost) return;
          try {
            ctx.rateLimit = await queryBudget.charge(ctx.viewer, ctx.request.ip, pointsFor(cost));
          } catch (error) {
            if (error instanceof QueryBudgetExceededError) {
              exceeded = error;
              ctx.rateLimit = error.status;
            }
            throw error;
          }
        },
        async didEncounterErrors({ errors, contextValue: ctx }) {
          const hits = errors.filter((e) => e.extensions?.code === "RATE_LIMITED");
          for (const hit of hits) {
            // The field whose limiter refused (login, register, requestPasswordReset, ...), or the budget itself.
            const limit = hit.originalError instanceof QueryBudgetExceededError || hit instanceof QueryBudgetExceededError ? "query_budget" : String(hit.path?.[0] ?? "unknown");
            const caller = limit === "query_budget" ? queryBudget.bucket(ctx.viewer, ctx.request.ip).key : `ip:${ctx.request.ip}`;
            await rateLimitAudit.record(ctx.request, ctx.viewer, limit, caller);
          }
        },
        async willSendResponse({ response, contextValue: ctx }) {
          const status = ctx.rateLimit ?? (await queryBudget.peek(ctx.viewer, ctx.request.ip));
          setHeaders(response.http.headers, status);
          if (exceeded) {
            response.http.status = 429;
            response.http.headers.set("retry-after", String(exceeded.retryAfter));
          }
        },
      };
    },
  };
}
