import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, Kind, OperationTypeNode, visit, type DocumentNode } from "graphql";
import type { AppConfig } from "../config.js";
import { Role } from "../core/identity.js";
import type { Context } from "./context.js";
import { describesSchema } from "./error-formatting.js";
import { estimateCost } from "./limits.js";

const SUGGESTION = / Did you mean .*\?$/;

/** What a non-admin learns in production of a document that does not validate against the schema. */
export const SCHEMA_MISMATCH = "The query does not match the schema.";

/** Per parsed document (Apollo reuses them): visiting every query's tree on every request added up. */
const introspecting = new WeakMap<DocumentNode, boolean>();

function usesIntrospection(document: DocumentNode): boolean {
  const known = introspecting.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === "__schema" || node.name.value === "__type") found = true;
    },
  });
  introspecting.set(document, found);
  return found;
}

/**
 * The estimate coerces the variables itself, before execution would: a variable of the wrong
 * type must come back as the BAD_USER_INPUT execution would give, not as an unexpected error.
 */
function costOrBadInput(estimate: () => number): number {
  try {
    return estimate();
  } catch (error) {
    if (error instanceof GraphQLError) throw new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } });
    throw error;
  }
}

/**
 * Errors thrown here end the request before execution; Apollo answers them with HTTP 500
 * unless they carry `extensions.http`, so each names its status.
 *
 * Per-request protections Apollo has no option for:
 * - a cost limit from the estimate in limits.ts, recorded on the context for rate limiting;
 * - in production, introspection, "Did you mean ...?" suggestions and the messages of schema
 *   validation (which confirm guessed field and type names) only for admins, so admins can
 *   still use Sandbox with their token while others learn nothing of the schema. Others keep
 *   the code and the location of a validation error.
 */
export function protectionPlugin(config: AppConfig): ApolloServerPlugin<Context> {
  const limits = config.queryLimits;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation: resolved, operationName, request, contextValue, schema }) {
          // graphql-js leaves this to execution, where it surfaces as an INTERNAL_SERVER_ERROR.
          if (resolved && !schema.getRootType(resolved.operation)) {
            throw new GraphQLError(`This API has no ${resolved.operation} operations.`, { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
          }
          if (resolved?.operation === OperationTypeNode.SUBSCRIPTION) {
            throw new GraphQLError("Subscriptions run over WebSocket (the graphql-ws protocol) at this same URL, not over HTTP.", { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
          }
          const isAdmin = contextValue.viewer?.role === Role.ADMIN;
          if (config.production && !isAdmin && usesIntrospection(document)) {
            throw new GraphQLError("Introspection is available to admins only.", { extensions: { code: "FORBIDDEN", http: { status: 403 } } });
          }
          const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
          if (!operation) return;
          const cost = costOrBadInput(() => estimateCost(schema, document, operationName ?? undefined, request.variables ?? {}));
          contextValue.queryCost = cost;
          if (cost > limits.maxCost) {
            throw new GraphQLError(`The query's estimated cost ${cost} exceeds the limit of ${limits.maxCost}. Ask for smaller pages or fewer fields.`, {
              extensions: { code: "QUERY_TOO_COMPLEX", cost, maxCost: limits.maxCost, http: { status: 400 } },
            });
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (!config.production || contextValue.viewer?.role === Role.ADMIN) return;
          if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) =>
            describesSchema(e) ? { ...e, message: SCHEMA_MISMATCH } : SUGGESTION.test(e.message) ? { ...e, message: e.message.replace(SUGGESTION, "") } : e,
          );
        },
      };
    },
  };
}

/**
 * Tells the request log which operation ran: the one Apollo resolved from the document, so it
 * is named even when the client sends no `operationName`.
 */
export function requestLogPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, contextValue }) {
          if (contextValue.request) contextValue.request.operationName = operationName;
        },
      };
    },
  };
}
