import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "pino";
import type { Context } from "./context.js";
import { AppError } from "../core/errors.js";
import { databaseFailureOf } from "../db/outage.js";
import { isQueryLimitError } from "./limits.js";

// Codes that graphql-js and Apollo produce for malformed requests; their messages are safe to show.
const CLIENT_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED", "OPERATION_RESOLUTION_FAILURE", "BAD_REQUEST"]);

/**
 * Whether the client may see an error as it is: a coded domain error, input validation, or a
 * request-level error from graphql-js, Apollo or our limits. Everything else is unexpected.
 */
function isExpected(error: unknown): boolean {
  if (appErrorOf(error)) return true;
  // The database unreachable or past a deadline: answered SERVICE_UNAVAILABLE, logged once per outage (server/outage.ts).
  if (databaseFailureOf(error)) return true;
  const original = unwrapResolverError(error);
  if (!(error instanceof GraphQLError)) return false;
  const code = error.extensions?.code;
  if (typeof code === "string" && CLIENT_CODES.has(code)) return true;
  return original instanceof GraphQLError && !original.originalError && !error.path;
}

/**
 * The domain error behind a GraphQL error, if any: graphql-js wraps what a resolver throws
 * (with its path), Apollo what a plugin throws (without one).
 */
export function appErrorOf(error: unknown): AppError | undefined {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof AppError) return e;
    e = e instanceof GraphQLError ? e.originalError : undefined;
  }
  return undefined;
}

/**
 * The code a validation rule of ours reported (single-mutation.ts: BAD_USER_INPUT), which
 * Apollo's ValidationError overwrites with GRAPHQL_VALIDATION_FAILED; graphql-js's and
 * graphql-armor's rules report none and keep Apollo's.
 */
function validationRuleCode(error: unknown): string | undefined {
  if (!(error instanceof GraphQLError) || error.extensions?.code !== "GRAPHQL_VALIDATION_FAILED") return undefined;
  const code = error.originalError instanceof GraphQLError ? error.originalError.extensions?.code : undefined;
  return typeof code === "string" && CLIENT_CODES.has(code) ? code : undefined;
}

function httpStatusOf(error: unknown): number | undefined {
  const http = error instanceof GraphQLError ? (error.extensions?.http as { status?: unknown } | undefined) : undefined;
  return typeof http?.status === "number" ? http.status : undefined;
}

/** Formatted validation errors whose message describes the schema (apollo-plugins.ts hides them in production). */
const describingSchema = new WeakSet<GraphQLFormattedError>();

/**
 * Whether a formatted error is graphql-js's validation of the document against the schema
 * (`Field "x" of type "Y!" must have a selection of subfields`): its message confirms names and
 * types. Our own rules' messages (limits, one mutation per request) state a rule instead.
 */
export function describesSchema(formatted: GraphQLFormattedError): boolean {
  return describingSchema.has(formatted);
}

/**
 * The one place errors become responses. Coded domain errors (input validation among them:
 * BAD_USER_INPUT naming the field) pass with their code; anything else is masked, so no stack,
 * SQL or internal message ever reaches a client (errorLoggingPlugin logs it).
 */
export function createErrorFormatter(options: { classify?: (error: unknown) => AppError | undefined } = {}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = appErrorOf(error) ?? (databaseFailureOf(error) ? options.classify?.(unwrapResolverError(error)) : undefined);
    if (original) {
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions: { ...original.extensions } };
    }
    if (!isExpected(error)) {
      return { message: "Internal server error. The incident was logged.", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
    // Apollo's own refusals of a malformed request (a persisted-query hash that does not match, an
    // unknown persisted-query version, a missing body) come uncoded, as INTERNAL_SERVER_ERROR with HTTP 400.
    if (formatted.extensions?.code === "INTERNAL_SERVER_ERROR" && !formatted.path && httpStatusOf(error) === 400) {
      return /persisted query|provided sha/i.test(formatted.message)
        ? { message: "This persisted query is not supported: send the query text (with a matching sha256Hash, version 1).", extensions: { code: "PERSISTED_QUERY_NOT_SUPPORTED" } }
        : { message: formatted.message, extensions: { code: "BAD_REQUEST" } };
    }
    const code = validationRuleCode(error) ?? formatted.extensions?.code;
    if (typeof code === "string" && CLIENT_CODES.has(code)) {
      const result = { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
      if (code === "GRAPHQL_VALIDATION_FAILED" && !isQueryLimitError(error instanceof GraphQLError ? error.originalError : undefined)) describingSchema.add(result);
      return result;
    }
    // A request-level GraphQL error (e.g. a query limit): already client-safe, and its
    // extensions (the limit, the cost) are what the client needs to adjust the query.
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { message: formatted.message, locations: formatted.locations, extensions: { ...extensions, code: code ?? "BAD_REQUEST" } };
  };
}

/**
 * An operation that failed because the database is unreachable or ran past a deadline is answered
 * HTTP 503 with Retry-After, as every other route answers it, so clients and proxies can retry.
 */
export function serviceUnavailablePlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const unavailable = response.body.singleResult.errors?.find((e) => e.extensions?.code === "SERVICE_UNAVAILABLE");
          if (!unavailable) return;
          response.http.status = 503;
          response.http.headers.set("retry-after", String(unavailable.extensions?.retryAfter ?? 5));
        },
      };
    },
  };
}

/**
 * Logs every error the formatter masks, with the request id the client got in X-Request-Id,
 * so a user's report leads to the cause. (formatError cannot: it never sees the request.)
 */
export function errorLoggingPlugin(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (isExpected(error)) continue;
            logger.error({ err: unwrapResolverError(error), path: error.path, requestId: contextValue.request?.requestId }, "unexpected error while resolving");
          }
        },
      };
    },
  };
}
