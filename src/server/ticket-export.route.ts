import type { FastifyInstance } from "fastify";
import { parse, type GraphQLSchema } from "graphql";
import { AppError, ForbiddenError } from "../core/errors.js";
import { ApiScope, missingScope } from "../core/identity.js";
import { requireViewer } from "../core/scope.js";
import { estimateCost } from "../graphql/limits.js";
import { pointsFor, QueryBudgetExceededError, rateLimitHeaders } from "../modules/rate-limit/query-budget.js";
import { EXPORT_BATCH, exportQueryOf, ticketExport } from "../modules/tickets/ticket.export.js";
import type { Services } from "../services.js";
import type { AuthEdge } from "./auth-edge.js";
import { sendError } from "./error-envelope.js";
import { requestMeta } from "./request-meta.js";

/**
 * The export's columns (tickets/ticket-csv.ts) as one `tickets` page of EXPORT_BATCH rows. An
 * export is charged to the caller's query budget what paging through the same rows with this
 * query would cost.
 */
const PAGE_AS_GRAPHQL = `{ tickets(first: ${EXPORT_BATCH}) { nodes {
  reference subject status priority category requester { displayName email } assignee { displayName }
  createdAt updatedAt firstResponseAt resolvedAt closedAt timeToFirstResponse timeOpen slaBreached
} } }`;

/**
 * GET /export/tickets.csv: the `tickets` list as CSV (tickets/ticket.export.ts), behind the auth
 * edge like /graphql, with the filters as query-string parameters and the same query budget, streamed.
 */
export function registerTicketExportRoute(app: FastifyInstance, { services, schema, edge }: { services: Services; schema: GraphQLSchema; edge: AuthEdge }): void {
  const { queryBudget } = services;
  const pagePoints = pointsFor(estimateCost(schema, parse(PAGE_AS_GRAPHQL), undefined, {}));

  app.get("/export/tickets.csv", { config: { auth: "required" } }, async (request, reply) => {
    const scope = edge.scope(request);
    const viewer = requireViewer(scope);
    // Refusals tell the caller where its budget stands, as every API response does.
    const refuse = async (error: AppError) => {
      reply.headers(rateLimitHeaders(await queryBudget.peek(viewer, request.ip)));
      return sendError(request, reply, error);
    };
    const lacking = missingScope(viewer, ApiScope.TICKETS_READ); // issue #6: an API token needs tickets:read here, as for `tickets`
    if (lacking) return refuse(new ForbiddenError(lacking));
    let prepared;
    try {
      const { filter, order } = exportQueryOf(request.query);
      prepared = await ticketExport(scope, filter, order, services.tickets.sla.hours);
    } catch (error) {
      if (error instanceof AppError) return refuse(error);
      throw error;
    }

    // Charged before the first row is sent, by the pages of EXPORT_BATCH rows it takes (at least one).
    try {
      reply.headers(rateLimitHeaders(await queryBudget.charge(viewer, request.ip, Math.max(1, Math.ceil(prepared.rows / EXPORT_BATCH)) * pagePoints)));
    } catch (error) {
      if (!(error instanceof QueryBudgetExceededError)) throw error;
      await services.rateLimitAudit.record(requestMeta(request), viewer, "query_budget", queryBudget.bucket(viewer, request.ip).key);
      reply.headers({ ...rateLimitHeaders(error.budget), "retry-after": String(error.retryAfter) });
      return sendError(request, reply, error);
    }

    const csv = prepared.csv((error) => request.log.error({ err: error, requestId: request.id }, "ticket export failed mid-stream"));
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="tickets.csv"')
      .header("cache-control", "no-store")
      .send(csv);
  });
}
