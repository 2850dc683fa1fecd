import type { EntityManager, QBFilterQuery } from "@mikro-orm/core";
import type { EntityManager as SqlEntityManager } from "@mikro-orm/knex";
import { BadUserInputError, CursorExpiredError } from "../../core/errors.js";
import type { CommittedEvent } from "../../core/events/catalog.js";
import type { Connection, PageRequest } from "../../core/paging.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { DomainEventRecord } from "../../db/domain-event.entity.js";
import { EVENT_POSITION_COUNTER, fromRecord } from "../../db/event-store.js";
import { connectionOf, pageWindow } from "../../db/pagination.js";
import { Counter } from "../../db/counter.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { eventAccessFor, type EventAccess } from "./event.access.js";
import { decodeEventCursor, encodeEventCursor } from "./event.cursor.js";

export interface EventFeedFilter {
  types?: string[] | null;
  ticketId?: string | null;
  issueId?: string | null;
  projectId?: string | null;
}

/**
 * The pull feed over the durable events table: in position (commit) order, filtered to what the
 * viewer may see (event.access.ts). Positions are gap-free and ascend in commit order
 * (db/event-store.ts), so `after: <cursor>` never misses an event committed later.
 */
export class EventFeedService {
  constructor(private readonly retentionDays: number) {}

  async list(scope: RequestScope, filter: EventFeedFilter | null | undefined, page: PageRequest): Promise<Connection<CommittedEvent>> {
    const access = eventAccessFor(requireViewer(scope));
    const { size, backward } = pageWindow(page);
    const after = page.after ? decodeEventCursor(page.after, "after") : null;
    const before = page.before ? decodeEventCursor(page.before, "before") : null;
    // Events right after the cursor were deleted: resuming would skip them without a word. (Paging
    // back from `before` just reaches the oldest event kept, which hasPreviousPage tells.)
    if (after !== null && after < (await prunedThrough(scope.em))) throw new CursorExpiredError("after", this.retentionDays);

    const where = (): QBFilterQuery<DomainEventRecord> => ({ $and: [...visibleTo(scope.em, access), ...filtered(filter)] });
    const keyset: QBFilterQuery<DomainEventRecord>[] = [where()];
    if (after !== null) keyset.push({ position: { $gt: after } });
    if (before !== null) keyset.push({ position: { $lt: before } });
    const rows = await (scope.em as SqlEntityManager)
      .createQueryBuilder(DomainEventRecord, "e")
      .select("*")
      .where({ $and: keyset })
      .orderBy({ position: backward ? "DESC" : "ASC" })
      .limit(size + 1)
      .getResultList();
    const more = rows.length > size;
    const pageRows = more ? rows.slice(0, size) : rows;
    if (backward) pageRows.reverse();
    const events = pageRows.map(readEvent);
    return connectionOf(
      events,
      (event) => encodeEventCursor(event.position),
      { hasNextPage: backward ? before !== null : more, hasPreviousPage: backward ? more : after !== null },
      () => (scope.em as SqlEntityManager).createQueryBuilder(DomainEventRecord, "e").where(where()).getCount(),
    );
  }
}

/** MariaDB keeps JSON as text and its driver hands it back unparsed. */
function readEvent(record: DomainEventRecord): CommittedEvent {
  const event = fromRecord(record);
  return typeof event.payload === "string" ? { ...event, payload: JSON.parse(event.payload) as CommittedEvent["payload"] } : event;
}

function visibleTo(em: EntityManager, access: EventAccess): QBFilterQuery<DomainEventRecord>[] {
  const where: QBFilterQuery<DomainEventRecord>[] = [{ visibility: { $in: access.visibilities } }];
  if (access.requesterId) {
    const requested = (em as SqlEntityManager).createQueryBuilder(Ticket, "t").select("t.id").where({ requester: access.requesterId });
    where.push({ ticketId: { $in: requested.getKnexQuery() } });
  }
  if (!access.tickets) where.push({ ticketId: null });
  if (!access.issues) where.push({ issueId: null, projectId: null });
  if (access.needsArea) where.push({ $or: [{ visibility: "ADMIN" }, { ticketId: { $ne: null } }, { issueId: { $ne: null } }, { projectId: { $ne: null } }] });
  return where;
}

function filtered(filter: EventFeedFilter | null | undefined): QBFilterQuery<DomainEventRecord>[] {
  const where: QBFilterQuery<DomainEventRecord>[] = [];
  if (filter?.types?.length) {
    if (filter.types.length > 50 || filter.types.some((t) => !/^[a-z_]{1,30}\.[a-z_]{1,30}$/.test(t))) {
      throw new BadUserInputError("Event types look like \"ticket.created\" (at most 50 of them).", "filter.types");
    }
    where.push({ type: { $in: filter.types } });
  }
  if (filter?.ticketId) where.push({ ticketId: filter.ticketId });
  if (filter?.issueId) where.push({ issueId: filter.issueId });
  if (filter?.projectId) where.push({ projectId: filter.projectId });
  return where;
}

/**
 * The last position retention deleted: the retained events are exactly those after it (pruning
 * deletes from the front, event.retention.ts), so it is the oldest position minus one, or every
 * position handed out when nothing is left.
 */
async function prunedThrough(em: EntityManager): Promise<number> {
  const [oldest] = await em.find(DomainEventRecord, {}, { orderBy: { position: "ASC" }, limit: 1, fields: ["position"] });
  return oldest ? Number(oldest.position) - 1 : lastPosition(em);
}

async function lastPosition(em: EntityManager): Promise<number> {
  const counter = await em.findOne(Counter, { name: EVENT_POSITION_COUNTER }, { fields: ["value"] });
  return Number(counter?.value ?? 0);
}
