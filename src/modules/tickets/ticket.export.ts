import { Readable, pipeline } from "node:stream";
import { stringify } from "csv-stringify";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { Viewer } from "../../graphql/context.js";
import { AppError } from "../../graphql/errors.js";
import { paginate } from "../../graphql/pagination.js";
import { authenticate } from "../../server/viewer.js";
import { ApiScope, missingScope } from "../api-tokens/api-scope.js";
import type { Services } from "../../services.js";
import { User } from "../users/user.entity.js";
import { Ticket } from "./ticket.entity.js";
import { TicketPriority, TicketStatus } from "./ticket.enums.js";
import { assertTicketFilter, ticketSort, ticketWhere } from "./ticket.filters.js";
import { CSV_COLUMNS, ticketRecord, type CsvRecord } from "./ticket-csv.js";
import { TicketOrderField, type TicketFilter, type TicketOrder } from "./ticket.types.js";

const BATCH = 100;

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

function sendError(reply: FastifyReply, status: number, error: { code: string; message: string; field?: string }) {
  return reply.code(status).send({ error });
}

/**
 * The CSV records of every ticket the filter selects, fetched in keyset batches (the same
 * paginate() as the `tickets` query) so memory stays flat whatever the table size; the identity
 * map is cleared after each batch for the same reason.
 */
async function* ticketRecords(services: Services, viewer: Viewer, filter: TicketFilter, order: TicketOrder | undefined): AsyncGenerator<CsvRecord> {
  const em = services.orm.em.fork();
  const now = services.tickets.now();
  const where = ticketWhere(filter, { viewer, now, fulltext: em.getPlatform().supportsCreatingFullTextIndex() });
  const sort = ticketSort(order);
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
 * (customers: their own tickets) and filters (as query-string parameters), streamed.
 */
export function registerTicketExport(app: FastifyInstance, services: Services): void {
  app.get("/export/tickets.csv", async (request, reply) => {
    const auth = await authenticate(services, services.orm.em.fork(), request.headers.authorization, request.ip);
    if (!auth.viewer) return sendError(reply, 401, { code: "UNAUTHENTICATED", message: auth.problem ?? "Authentication required: send a valid access token." });
    const lacking = missingScope(auth.viewer, ApiScope.TICKETS_READ); // issue #6: an API token needs tickets:read here, as for `tickets`
    if (lacking) return sendError(reply, 403, { code: "FORBIDDEN", message: lacking });
    const parsed = querySchema.safeParse(request.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = String(issue.path[0] ?? "query");
      return sendError(reply, 400, { code: "BAD_USER_INPUT", message: `Invalid "${field}": ${issue.message}`, field });
    }
    const { filter, order } = toFilter(parsed.data);
    try {
      assertTicketFilter(filter, auth.viewer, "query");
    } catch (error) {
      if (error instanceof AppError) {
        const status = error.code === "FORBIDDEN" ? 403 : 400;
        return sendError(reply, status, { code: error.code, message: error.message, field: error.extensions.field as string | undefined });
      }
      throw error;
    }
    const csv = stringify({ header: true, columns: [...CSV_COLUMNS], cast: { boolean: (b) => String(b) } });
    // pipeline, not pipe: a failing batch query destroys the response (the client sees a broken
    // download, not a silently truncated file) and a client going away stops the queries.
    pipeline(Readable.from(ticketRecords(services, auth.viewer, filter, order)), csv, (error) => {
      if (error && error.code !== "ERR_STREAM_PREMATURE_CLOSE") request.log.error({ err: error, requestId: request.id }, "ticket export failed mid-stream");
    });
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="tickets.csv"')
      .header("cache-control", "no-store")
      .send(csv);
  });
}
