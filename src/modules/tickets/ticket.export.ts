import { Readable, pipeline } from "node:stream";
import type { EntityManager, FilterQuery } from "@mikro-orm/core";
import { stringify } from "csv-stringify";
import type { FastifyInstance, FastifyReply } from "fastify";
import { parse, type GraphQLSchema } from "graphql";
import { z } from "zod";
import { AppError } from "../../core/errors.js";
import { estimateCost } from "../../graphql/limits.js";
import { paginate, type SortKey } from "../../db/pagination.js";
import { requestMeta } from "../../server/request-meta.js";
import { authenticate, INVALID_TOKEN_CHALLENGE } from "../../server/viewer.js";
import { ApiScope, missingScope } from "../api-tokens/api-scope.js";
import { pointsFor, QueryBudgetExceededError, rateLimitHeaders } from "../rate-limit/query-budget.js";
import type { Services } from "../../services.js";
import { User } from "../users/user.entity.js";
import { Ticket } from "./ticket.entity.js";
import { TicketPriority, TicketStatus } from "./ticket.enums.js";
import { assertTicketFilter, ticketSort, ticketWhere } from "./ticket.filters.js";
import { CSV_COLUMNS, ticketRecord, type CsvRecord } from "./ticket-csv.js";
import { TicketOrderField, type TicketFilter, type TicketOrder } from "./ticket.types.js";

const BATCH = 100;

/**
 * The export's columns (CSV_COLUMNS) as one `tickets` page of BATCH rows. An export is charged to
 * the caller's query budget what paging through the same rows with this query would cost.
 */
const PAGE_AS_GRAPHQL = `{ tickets(first: ${BATCH}) { nodes {
  reference subject status priority category requester { displayName email } assignee { displayName }
  createdAt updatedAt firstResponseAt resolvedAt closedAt timeToFirstResponse timeOpen slaBreached
} } }`;

// Query strings carry lists as repeated keys (?status=OPEN&status=RESOLVED) or comma-separated.
const list = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));
const flag = z.enum(["true", "false"]).transform((v) => v === "true");
const date = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

/** The `tickets` filter and orderBy as query-string parameters. */
const querySchema = z.object({
  status: list(Object.values(TicketStatus) as [TicketStatus, ...TicketStatus[]]).optional(),
  priority: list(Object.values(TicketPriority) as [TicketPriority, ...TicketPriority[]]).optional(),
  assigneeId: z.string().optional(),
  unassigned: flag.optional(),
  assignedToMe: flag.optional(),
  requesterId: z.string().optional(),
  projectId: z.string().optional(),
  createdAfter: date.optional(),
  createdBefore: date.optional(),
  updatedAfter: date.optional(),
  slaBreached: flag.optional(),
  search: z.string().optional(),
  orderBy: z.enum(Object.values(TicketOrderField) as [TicketOrderField, ...TicketOrderField[]]).optional(),
  direction: z.enum(["ASC", "DESC"]).optional(),
});

type ExportQuery = z.infer<typeof querySchema>;

function toFilter(q: ExportQuery): { filter: TicketFilter; order: TicketOrder | undefined } {
  const assignee = q.assigneeId != null || q.unassigned != null || q.assignedToMe != null ? { userId: q.assigneeId, unassigned: q.unassigned, me: q.assignedToMe } : undefined;
  const filter: TicketFilter = {
    status: q.status,
    priority: q.priority,
    assignee,
    requesterId: q.requesterId,
    projectId: q.projectId,
    createdAfter: q.createdAfter,
    createdBefore: q.createdBefore,
    updatedAfter: q.updatedAfter,
    slaBreached: q.slaBreached,
    search: q.search,
  };
  return { filter, order: q.orderBy ? ({ field: q.orderBy, direction: q.direction ?? "DESC" } as TicketOrder) : undefined };
}

function sendError(reply: FastifyReply, status: number, error: { code: string; message: string; field?: string; [extension: string]: unknown }) {
  return reply.code(status).send({ error });
}

/**
 * The CSV records of every ticket `where` selects, fetched in keyset batches (the same
 * paginate() as the `tickets` query) so memory stays flat whatever the table size; the identity
 * map is cleared after each batch for the same reason.
 */
async function* ticketRecords(em: EntityManager, where: () => FilterQuery<Ticket>, sort: SortKey, now: Date): AsyncGenerator<CsvRecord> {
  let after: string | undefined;
  do {
    const page = await paginate(em, Ticket, where, sort, { first: BATCH, after });
    const userIds = new Set(page.nodes.flatMap((t) => [t.requester.id, ...(t.assignee ? [t.assignee.id] : [])]));
    const users = userIds.size ? await em.find(User, { id: { $in: [...userIds] } }) : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const ticket of page.nodes) yield ticketRecord(ticket, byId, now);
    after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? undefined) : undefined;
    em.clear();
  } while (after);
}

/**
 * GET /export/tickets.csv: the `tickets` list as CSV, with the same bearer token, visibility
 * (customers: their own tickets), filters (as query-string parameters) and query budget, streamed.
 */
export function registerTicketExport(app: FastifyInstance, services: Services, schema: GraphQLSchema): void {
  const { queryBudget } = services;
  const pagePoints = pointsFor(estimateCost(schema, parse(PAGE_AS_GRAPHQL), undefined, {}));

  app.get("/export/tickets.csv", async (request, reply) => {
    const auth = await authenticate(services, services.orm.em.fork(), request.headers.authorization, request.ip);
    if (!auth.viewer) {
      reply.header("www-authenticate", auth.problem ? INVALID_TOKEN_CHALLENGE : "Bearer");
      return sendError(reply, 401, { code: "UNAUTHENTICATED", message: auth.problem ?? "Authentication required: send a valid access token." });
    }
    const viewer = auth.viewer;
    // Refusals tell the caller where its budget stands, as every API response does.
    const refuse = async (status: number, error: Parameters<typeof sendError>[2]) => {
      reply.headers(rateLimitHeaders(await queryBudget.peek(viewer, request.ip)));
      return sendError(reply, status, error);
    };
    const lacking = missingScope(viewer, ApiScope.TICKETS_READ); // issue #6: an API token needs tickets:read here, as for `tickets`
    if (lacking) return refuse(403, { code: "FORBIDDEN", message: lacking });
    const parsed = querySchema.safeParse(request.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = String(issue.path[0] ?? "query");
      return refuse(400, { code: "BAD_USER_INPUT", message: `Invalid "${field}": ${issue.message}`, field });
    }
    const { filter, order } = toFilter(parsed.data);
    try {
      assertTicketFilter(filter, viewer, "query");
    } catch (error) {
      if (error instanceof AppError) {
        const status = error.code === "FORBIDDEN" ? 403 : 400;
        return refuse(status, { code: error.code, message: error.message, field: error.extensions.field as string | undefined });
      }
      throw error;
    }

    const em = services.orm.em.fork();
    const now = services.tickets.now();
    const where = ticketWhere(filter, { viewer, now, fulltext: em.getPlatform().supportsCreatingFullTextIndex() });
    // Charged before the first row is sent, by the pages of BATCH rows it takes (at least one).
    const rows = await em.count(Ticket, where());
    try {
      reply.headers(rateLimitHeaders(await queryBudget.charge(viewer, request.ip, Math.max(1, Math.ceil(rows / BATCH)) * pagePoints)));
    } catch (error) {
      if (!(error instanceof QueryBudgetExceededError)) throw error;
      await services.rateLimitAudit.record(requestMeta(request), viewer, "query_budget", queryBudget.bucket(viewer, request.ip).key);
      reply.headers({ ...rateLimitHeaders(error.budget), "retry-after": String(error.retryAfter) });
      return sendError(reply, 429, { ...error.extensions, code: error.code, message: error.message });
    }

    const csv = stringify({ header: true, columns: [...CSV_COLUMNS], cast: { boolean: (b) => String(b) } });
    // pipeline, not pipe: a failing batch query destroys the response (the client sees a broken
    // download, not a silently truncated file) and a client going away stops the queries.
    pipeline(Readable.from(ticketRecords(em, where, ticketSort(order), now)), csv, (error) => {
      if (error && error.code !== "ERR_STREAM_PREMATURE_CLOSE") request.log.error({ err: error, requestId: request.id }, "ticket export failed mid-stream");
    });
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="tickets.csv"')
      .header("cache-control", "no-store")
      .send(csv);
  });
}
