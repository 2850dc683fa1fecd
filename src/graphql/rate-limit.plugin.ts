import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, OperationTypeNode, type OperationDefinitionNode } from "graphql";
import type { Context } from "./context.js";
import { estimateCost } from "./limits.js";
import { permissions } from "./permissions.js";
import type { Services } from "../services.js";
import { pointsFor, QueryBudgetExceededError, rateLimitHeaders, type BudgetKind, type RateLimitStatus } from "../modules/rate-limit/query-budget.js";

function setHeaders(headers: Map<string, string>, status: RateLimitStatus): void {
  for (const [name, value] of Object.entries(rateLimitHeaders(status))) headers.set(name, value);
}

/**
 * Signing in, out and back in, and recovering an account: the mutations declared with
 * `budget: "signIn"` in their modules' rules files. Besides their own limiters (sign-ins
 * and registrations per IP, account emails per address and IP), they spend a per-IP budget of
 * their own instead of the caller's query budget: everyone behind one NAT shares an anonymous
 * budget, and spending it on queries must not lock them all out of signing in, while a flood of
 * refresh-token or reset-token guesses is still bounded.
 */
export const SIGN_IN_MUTATIONS: ReadonlySet<string> = new Set([...permissions.signInMutations, "__typename"]);

/** A mutation made only of those fields (no fragments), charged to the sign-in budget. */
function onlySignsIn(operation: OperationDefinitionNode | undefined): boolean {
  if (operation?.operation !== OperationTypeNode.MUTATION) return false;
  return operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && SIGN_IN_MUTATIONS.has(selection.name.value));
}

/**
 * Charges each operation's points to its caller's hourly budget (query-budget.ts) once it is
 * validated and costed, puts X-RateLimit-* headers on every response, answers an exhausted
 * budget with RATE_LIMITED (HTTP 429, Retry-After), and audits rate-limit hits of any limiter.
 * Sign-in mutations spend a per-IP budget of their own (SIGN_IN_MUTATIONS). Requests turned away before Apollo
 * (a rejected token, too many tokens, a bad body) are answered in src/server/ (auth-edge.ts, graphql-route.ts).
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
      let kind: BudgetKind = "query";
      return {
        async didResolveOperation({ contextValue: ctx, document, operation, operationName, request, schema }) {
          if (onlySignsIn(operation)) kind = "signIn";
          const cost = ctx.queryCost ?? estimateCost(schema, document, operationName ?? undefined, request.variables ?? {});
          if (cost > config.queryLimits.maxCost) return;
          try {
            ctx.rateLimit = await queryBudget.charge(ctx.viewer, ctx.request.ip, pointsFor(cost), kind);
          } catch (error) {
            if (error instanceof QueryBudgetExceededError) {
              exceeded = error;
              ctx.rateLimit = error.budget;
            }
            throw error;
          }
        },
        async didEncounterErrors({ errors, contextValue: ctx }) {
          const hits = errors.filter((e) => e.extensions?.code === "RATE_LIMITED");
          for (const hit of hits) {
            // The field whose limiter refused (login, register, requestPasswordReset, ...), or the budget itself.
            const limit = hit.originalError instanceof QueryBudgetExceededError || hit instanceof QueryBudgetExceededError ? "query_budget" : String(hit.path?.[0] ?? "unknown");
            const caller = limit === "query_budget" ? queryBudget.bucket(ctx.viewer, ctx.request.ip, kind).key : `ip:${ctx.request.ip}`;
            await rateLimitAudit.record(ctx.request, ctx.viewer, limit, caller);
          }
        },
        async willSendResponse({ response, contextValue: ctx }) {
          const status = ctx.rateLimit ?? (await queryBudget.peek(ctx.viewer, ctx.request.ip, kind));
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
