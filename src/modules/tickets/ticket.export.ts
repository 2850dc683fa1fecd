import { Readable, pipeline } from "node:stream";
import type { EntityManager, FilterQuery } from "@mikro-orm/core";
import { stringify } from "csv-stringify";
import { z } from "zod";
import { BadUserInputError } from "../../core/errors.js";
import { Priority } from "../../core/priority.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { paginate, type SortKey } from "../../db/pagination.js";
import { User } from "../users/user.entity.js";
import { Ticket } from "./ticket.entity.js";
import { TicketStatus } from "./ticket.enums.js";
import { assertTicketFilter, ticketSort, ticketWhere } from "./ticket.filters.js";
import { CSV_COLUMNS, ticketRecord, type CsvRecord } from "./ticket-csv.js";
import type { BusinessHours } from "./business-hours.js";
import { TicketOrderField, type TicketFilter, type TicketOrder } from "./ticket.types.js";

/** Rows read per query; also the page an export is charged by (server/ticket-export.route.ts). */
export const EXPORT_BATCH = 100;

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
  priority: list(Object.values(Priority) as [Priority, ...Priority[]]).optional(),
  assigneeId: z.string().optional(),
  unassigned: flag.optional(),
  assignedToMe: flag.optional(),
  requesterId: z.string().optional(),
  projectId: z.string().optional(),
  createdAfter: date.optional(),
  createdBefore: date.optional(),
  updatedAfter: date.optional(),
  slaBreached: flag.optional(),
  slaDueSoon: flag.optional(),
  search: z.string().optional(),
  orderBy: z.enum(Object.values(TicketOrderField) as [TicketOrderField, ...TicketOrderField[]]).optional(),
  direction: z.enum(["ASC", "DESC"]).optional(),
});

type ExportQuery = z.infer<typeof querySchema>;

/** The `tickets` filter and order a query string asks for; BAD_USER_INPUT naming the parameter otherwise. */
export function exportQueryOf(query: unknown): { filter: TicketFilter; order: TicketOrder | undefined } {
  const parsed = querySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "query");
    throw new BadUserInputError(`Invalid "${field}": ${issue.message}`, field);
  }
  return toFilter(parsed.data);
}

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
    slaDueSoon: q.slaDueSoon,
    search: q.search,
  };
  return { filter, order: q.orderBy ? ({ field: q.orderBy, direction: q.direction ?? "DESC" } as TicketOrder) : undefined };
}

/**
 * The CSV records of every ticket `where` selects, fetched in keyset batches (the same
 * paginate() as the `tickets` query) so memory stays flat whatever the table size; the identity
 * map is cleared after each batch for the same reason.
 */
async function* ticketRecords(em: EntityManager, where: () => FilterQuery<Ticket>, sort: SortKey, now: Date, hours: BusinessHours | null): AsyncGenerator<CsvRecord> {
  let after: string | undefined;
  do {
    const page = await paginate(em, Ticket, where, sort, { first: EXPORT_BATCH, after });
    const userIds = new Set(page.nodes.flatMap((t) => [t.requester.id, ...(t.assignee ? [t.assignee.id] : [])]));
    const users = userIds.size ? await em.find(User, { id: { $in: [...userIds] } }) : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const ticket of page.nodes) yield ticketRecord(ticket, byId, now, hours);
    after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? undefined) : undefined;
    em.clear();
  } while (after);
}

export interface TicketExport {
  /** How many tickets it holds, counted before the first is read (the export is charged by them). */
  rows: number;
  /** The CSV, read batch by batch as it is consumed; `onError` hears of a batch that failed mid-stream. */
  csv(onError: (error: Error) => void): Readable;
}

/**
 * The `tickets` list as CSV, with the same visibility (customers: their own tickets) and filters
 * as the query, for the scope's caller.
 */
export async function ticketExport(scope: RequestScope, filter: TicketFilter, order: TicketOrder | undefined, hours: BusinessHours | null = null): Promise<TicketExport> {
  const viewer = requireViewer(scope);
  assertTicketFilter(filter, viewer, "query");
  const { em } = scope;
  const now = scope.clock.now();
  const where = ticketWhere(filter, { viewer, now, fulltext: em.getPlatform().supportsCreatingFullTextIndex() });
  const rows = await em.count(Ticket, where());
  return {
    rows,
    csv(onError) {
      const csv = stringify({ header: true, columns: [...CSV_COLUMNS], cast: { boolean: (b) => String(b) } });
      // pipeline, not pipe: a failing batch query destroys the response (the client sees a broken
      // download, not a silently truncated file) and a client going away stops the queries.
      pipeline(Readable.from(ticketRecords(em, where, ticketSort(order), now, hours)), csv, (error) => {
        if (error && error.code !== "ERR_STREAM_PREMATURE_CLOSE") onError(error);
      });
      return csv;
    },
  };
}
