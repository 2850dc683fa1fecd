import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, Kind, visit, type DocumentNode } from "graphql";
import { LRUCache } from "lru-cache";
import type { AppConfig } from "../config.js";
import { Role } from "../modules/users/user.role.js";
import type { Context } from "./context.js";
import { assertTokenLimit, estimateCost } from "./limits.js";

const SUGGESTION = / Did you mean .*\?$/;

function usesIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === "__schema" || node.name.value === "__type") found = true;
    },
  });
  return found;
}

/**
 * Per-request protections Apollo has no option for:
 * - a token limit on the raw document (sources already accepted are remembered);
 * - a cost limit from the estimate in limits.ts, recorded on the context for rate limiting;
 * - in production, introspection and "Did you mean ...?" suggestions only for admins, so
 *   admins can still use Sandbox with their token while others learn nothing of the schema.
 */
export function protectionPlugin(config: AppConfig): ApolloServerPlugin<Context> {
  // null only in the benchmark's caches-off ablation.
  const acceptedSources = config.bench.disableCaches ? null : new LRUCache<string, true>({ max: 1000 });
  const limits = config.queryLimits;
  return {
    async requestDidStart() {
      return {
        async didResolveSource({ source }) {
          if (acceptedSources?.has(source)) return;
          assertTokenLimit(source, limits.maxTokens);
          acceptedSources?.set(source, true);
        },
        async didResolveOperation({ document, operationName, request, contextValue, schema }) {
          const isAdmin = contextValue.viewer?.role === Role.ADMIN;
          if (config.production && !isAdmin && usesIntrospection(document)) {
            throw new GraphQLError("Introspection is available to admins only.", { extensions: { code: "FORBIDDEN" } });
          }
          const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
          if (!operation) return;
          const cost = estimateCost(schema, document, operationName ?? undefined, request.variables ?? {});
          contextValue.queryCost = cost;
          if (cost > limits.maxCost) {
            throw new GraphQLError(`The query's estimated cost ${cost} exceeds the limit of ${limits.maxCost}. Ask for smaller pages or fewer fields.`, {
              extensions: { code: "QUERY_TOO_COMPLEX", cost, maxCost: limits.maxCost },
            });
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (!config.production || contextValue.viewer?.role === Role.ADMIN) return;
          if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) =>
            SUGGESTION.test(e.message) ? { ...e, message: e.message.replace(SUGGESTION, "") } : e,
          );
        },
      };
    },
  };
}
