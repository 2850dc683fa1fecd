import type { ApolloServerPlugin } from "@apollo/server";
import { SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { Kind, type GraphQLError, type OperationDefinitionNode } from "graphql";
import type { RequestMeta } from "../../core/scope.js";
import type { Context } from "../../graphql/context.js";
import { QueryBudgetExceededError } from "../../modules/rate-limit/query-budget.js";
import type { ServerMetrics } from "./metrics.registry.js";
import { INVALID_OPERATION, type OperationNames } from "./operation-names.js";

/** Outcomes that are the server's fault: the operation's span is marked as an error. */
const SERVER_FAULTS = new Set(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"]);

/** The field a RATE_LIMITED error came from, by its name in the schema (never a client's alias). */
function refusedLimit(error: GraphQLError, operation: OperationDefinitionNode | undefined): string {
  if (error.originalError instanceof QueryBudgetExceededError || error instanceof QueryBudgetExceededError) return "query_budget";
  const key = error.path?.[0];
  for (const selection of operation?.selectionSet.selections ?? []) {
    if (selection.kind === Kind.FIELD && (selection.alias?.value ?? selection.name.value) === key) return selection.name.value;
  }
  return "unknown";
}

/**
 * Each GraphQL operation over HTTP, counted by name, type and outcome and timed (metrics), and
 * named on its span (tracing: the span graphql-route.ts opens around Apollo, active here).
 * `labels` hands the operation's label to the request's SQL statement histogram (http.hooks.ts).
 */
export function observabilityPlugin({ metrics, names, labels, tracing }: { metrics: ServerMetrics | null; names: OperationNames; labels: WeakMap<RequestMeta, string>; tracing: boolean }): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      const span: Span | undefined = tracing ? trace.getActiveSpan() : undefined;
      let operation = INVALID_OPERATION;
      let type = "unknown";
      return {
        async didResolveOperation({ operationName, operation: resolved }) {
          type = resolved?.operation ?? "unknown";
          operation = names.label(operationName);
          if (contextValue.request) labels.set(contextValue.request, operation);
          if (span) {
            span.updateName(`${type} ${operationName ?? "anonymous"}`);
            span.setAttributes({ "graphql.operation.type": type, ...(operationName ? { "graphql.operation.name": operationName.slice(0, 200) } : {}) });
          }
        },
        async didEncounterErrors({ errors, operation: resolved }) {
          if (!metrics) return;
          for (const error of errors) if (error.extensions?.code === "RATE_LIMITED") metrics.rateLimitRefusals.inc({ limit: refusedLimit(error, resolved ?? undefined) });
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          const outcome = errors?.length ? String(errors[0]!.extensions?.code ?? "INTERNAL_SERVER_ERROR").slice(0, 40) : "OK";
          if (metrics) {
            metrics.graphqlOperations.inc({ operation, type, outcome });
            metrics.graphqlDuration.observe({ operation, type }, (performance.now() - started) / 1000);
          }
          if (span) {
            span.setAttribute("deskql.graphql.outcome", outcome);
            if (errors?.length) span.setAttribute("graphql.error.codes", [...new Set(errors.map((e) => String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR")))]);
            if (SERVER_FAULTS.has(outcome)) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          }
        },
      };
    },
  };
}
