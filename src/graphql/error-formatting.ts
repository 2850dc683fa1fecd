import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "pino";
import { AppError } from "./errors.js";

// Codes that graphql-js and Apollo produce for malformed requests; their messages are safe to show.
const CLIENT_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "PERSISTED_QUERY_NOT_FOUND", "OPERATION_RESOLUTION_FAILURE", "BAD_REQUEST"]);

/**
 * The one place errors become responses. Coded domain errors pass with their code; input
 * validation becomes BAD_USER_INPUT naming the fields; anything else is logged with the request
 * id and masked, so no stack, SQL or internal message ever reaches a client.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions: { ...original.extensions } };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = original.extensions.validationErrors as { property: string; constraints?: Record<string, string> }[] | undefined;
      const problems = (fields ?? []).flatMap((f) => Object.values(f.constraints ?? {}).map((msg) => `${msg}`));
      return {
        message: problems.length ? `Invalid input: ${problems.join("; ")}.` : "Invalid input.",
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: "BAD_USER_INPUT", fields: (fields ?? []).map((f) => f.property) },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && CLIENT_CODES.has(code)) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    if (original instanceof GraphQLError && !original.originalError && !formatted.path) {
      // A request-level GraphQL error (e.g. a query limit): already client-safe, and its
      // extensions (the limit, the cost) are what the client needs to adjust the query.
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { message: formatted.message, locations: formatted.locations, extensions: { ...extensions, code: code ?? "BAD_REQUEST" } };
    }
    logger.error({ err: original, path: formatted.path }, "unexpected error while resolving");
    return { message: "Internal server error. The incident was logged.", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}
