import type { FilterQuery } from "@mikro-orm/core";
import type { QBFilterQuery, SqlEntityManager } from "@mikro-orm/knex";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from "../../core/errors.js";
import { isStaff, Role, type Viewer } from "../../core/identity.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { assertOneLineText, textLength } from "../../core/text.js";
import { assertVersion, conflictOnRace, FOR_UPDATE, LOCKED_READ_ONLY, unchanged } from "../../core/writes.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { assertTicketFilter, ticketWhere } from "../tickets/ticket.filters.js";
import type { TicketFilter, TicketOrder } from "../tickets/ticket.types.js";
import { User } from "../users/user.entity.js";
import { canEditView, canSeeView } from "./saved-view.access.js";
import { SavedView } from "./saved-view.entity.js";
import type { CreateSavedViewInput, UpdateSavedViewInput } from "./saved-view.types.js";

/** Per owner, and for the shared group: a tab strip, not a report catalogue. */
export const SAVED_VIEWS_MAX = 50;
/** A filter is a handful of fields; this only stops a client storing a novel in `search`-sized pieces. */
const FILTER_JSON_MAX = 4_000;

/**
 * Saved views: named ticket filters and sorts. Personal views are their owner's alone; shared
 * views are seen by every agent and admin and kept by admins. Counts run the ticket list's own
 * WHERE for the viewer, one COUNT per view, all of a request's views in one statement.
 */
export class SavedViewService {
  constructor(private readonly events: DomainEvents) {}

  /** Shared views first (staff only), then the viewer's own; each group by position, then age. */
  list(scope: RequestScope): Promise<SavedView[]> {
    const viewer = requireViewer(scope);
    const where: FilterQuery<SavedView> = isStaff(viewer.role) ? { $or: [{ shared: true }, { owner: viewer.userId, shared: false }] } : { owner: viewer.userId, shared: false };
    return scope.em.find(SavedView, where, { orderBy: { shared: "desc", position: "asc", createdAt: "asc", id: "asc" }, limit: 2 * SAVED_VIEWS_MAX });
  }

  async create(scope: RequestScope, input: CreateSavedViewInput): Promise<SavedView> {
    const viewer = requireViewer(scope);
    const name = cleanName(input.name, "input.name");
    const shared = input.shared === true;
    if (shared && viewer.role !== Role.ADMIN) throw new ForbiddenError("Only admins share saved views; save it as your own instead.");
    const filterJson = storableFilter(input.filter, viewer, "input.filter");
    const order = storableOrder(input.orderBy);
    return this.events.transaction(scope, async (tx) => {
      // The creator's row, locked: one person's saves queue up, so the name and count checks hold.
      await tx.em.findOne(User, { id: viewer.userId }, LOCKED_READ_ONLY);
      const group = await tx.em.find(SavedView, groupOf(shared, viewer.userId), { fields: ["name", "position"] });
      assertNameFree(group, name, null);
      if (group.length >= SAVED_VIEWS_MAX) throw new ConflictError(`There are already ${SAVED_VIEWS_MAX} ${shared ? "shared" : "personal"} saved views; delete some first.`);
      const view = tx.em.create(SavedView, {
        name,
        shared,
        owner: tx.em.getReference(User, viewer.userId, { wrapped: true }),
        position: group.reduce((max, v) => Math.max(max, v.position + 1), 0),
        filterJson,
        ...order,
      });
      await this.events.raise(tx, { type: "saved_view.created", ...viewEvent(view, viewer.userId), payload: { name, shared } });
      return view;
    });
  }

  async update(scope: RequestScope, id: string, input: UpdateSavedViewInput, expectedVersion?: number | null): Promise<SavedView> {
    const viewer = requireViewer(scope);
    const wanted = {
      name: input.name != null ? cleanName(input.name, "input.name") : undefined,
      filterJson: input.filter != null ? storableFilter(input.filter, viewer, "input.filter") : undefined,
      order: input.orderBy != null ? storableOrder(input.orderBy) : undefined,
      shared: input.shared ?? undefined,
      position: input.position ?? undefined,
    };
    if (Object.values(wanted).every((v) => v === undefined)) throw new BadUserInputError("Pass at least one field to change.", "input");
    if (wanted.position !== undefined && (!Number.isInteger(wanted.position) || wanted.position < 0 || wanted.position > 10_000)) {
      throw new BadUserInputError("The position must be a whole number from 0 to 10000.", "input.position");
    }
    return conflictOnRace("saved view", () =>
      this.events.transaction(scope, async (tx) => {
        const view = await this.editable(tx, id, viewer);
        assertVersion("saved view", view.version, expectedVersion);
        if (wanted.shared !== undefined && wanted.shared !== view.shared && viewer.role !== Role.ADMIN) {
          throw new ForbiddenError("Only admins share saved views or stop sharing them.");
        }
        const shared = wanted.shared ?? view.shared;
        const changes: string[] = [];
        if (wanted.name !== undefined && wanted.name !== view.name) changes.push("name");
        if (wanted.filterJson !== undefined && wanted.filterJson !== view.filterJson) changes.push("filter");
        if (wanted.order !== undefined && (wanted.order.orderField !== view.orderField || wanted.order.orderDirection !== view.orderDirection)) changes.push("orderBy");
        if (shared !== view.shared) changes.push("shared");
        if (wanted.position !== undefined && wanted.position !== view.position) changes.push("position");
        if (!changes.length) return unchanged(tx.em, view);
        if (changes.includes("name") || changes.includes("shared")) {
          const group = await tx.em.find(SavedView, groupOf(shared, viewer.userId), { fields: ["name"] });
          assertNameFree(group, wanted.name ?? view.name, view.id);
          if (changes.includes("shared") && group.length >= SAVED_VIEWS_MAX) throw new ConflictError(`There are already ${SAVED_VIEWS_MAX} saved views there; delete some first.`);
        }
        if (wanted.name !== undefined) view.name = wanted.name;
        if (wanted.filterJson !== undefined) view.filterJson = wanted.filterJson;
        if (wanted.order !== undefined) Object.assign(view, wanted.order);
        if (wanted.position !== undefined) view.position = wanted.position;
        if (shared !== view.shared) {
          view.shared = shared;
          // Unshared, it becomes the personal view of the admin who unshared it: nobody else would see it.
          if (!shared) view.owner = tx.em.getReference(User, viewer.userId, { wrapped: true });
        }
        await this.events.raise(tx, { type: "saved_view.updated", ...viewEvent(view, view.owner.id), payload: { name: view.name, shared: view.shared, changes } });
        return view;
      }),
    );
  }

  async delete(scope: RequestScope, id: string): Promise<boolean> {
    const viewer = requireViewer(scope);
    return this.events.transaction(scope, async (tx) => {
      const view = await this.editable(tx, id, viewer);
      tx.em.remove(view);
      await this.events.raise(tx, { type: "saved_view.deleted", ...viewEvent(view, view.owner.id), payload: { name: view.name, shared: view.shared } });
      return true;
    });
  }

  /**
   * How many tickets each filter matches for the viewer, as `tickets(filter:).totalCount` would
   * say: one scalar COUNT subquery per filter, all in one statement. null for a filter the viewer
   * may not use (a customer holding a project filter).
   */
  async counts(scope: RequestScope, filters: readonly TicketFilter[]): Promise<(number | null)[]> {
    const viewer = requireViewer(scope);
    const queryScope = { viewer, now: scope.clock.now(), fulltext: scope.em.getPlatform().supportsCreatingFullTextIndex() };
    const parts = filters.map((filter) => {
      try {
        assertTicketFilter(filter, viewer);
      } catch {
        return null;
      }
      const qb = (scope.em as SqlEntityManager).createQueryBuilder(Ticket).count().where(ticketWhere(filter, queryScope)() as QBFilterQuery<Ticket>);
      return { sql: qb.getQuery(), params: qb.getParams() };
    });
    const usable = parts.filter((p): p is NonNullable<typeof p> => p !== null);
    if (!usable.length) return parts.map(() => null);
    const sql = `select ${usable.map((p, i) => `(${p.sql}) as c${i}`).join(", ")}`;
    const [row] = await (scope.em as SqlEntityManager).getConnection().execute<Record<string, unknown>[]>(sql, usable.flatMap((p) => p.params as unknown[]));
    let next = 0;
    return parts.map((p) => (p ? Number(row![`c${next++}`]) : null));
  }

  /** A view the viewer may change: their own personal view, or (admins) a shared one. Others answer NOT_FOUND or FORBIDDEN as they are seen. */
  private async editable(tx: RequestScope, id: string, viewer: Viewer): Promise<SavedView> {
    const view = await tx.em.findOne(SavedView, { id }, FOR_UPDATE);
    if (!view || !canSeeView(view, viewer)) throw new NotFoundError("Saved view", id);
    if (!canEditView(view, viewer)) throw new ForbiddenError("Only admins change or delete shared saved views.");
    return view;
  }
}

function cleanName(raw: string, field: string): string {
  const name = raw.trim().replace(/\s+/g, " ");
  if (name.length < 1 || textLength(name) > 60) throw new BadUserInputError("The name must be 1 to 60 characters long.", field);
  assertOneLineText(name, "name", field);
  return name;
}

/** The filter, checked as the ticket list would check it for this viewer, as JSON. */
function storableFilter(filter: TicketFilter | null | undefined, viewer: Viewer, field: string): string {
  assertTicketFilter(filter, viewer, field);
  const json = JSON.stringify(filter ?? {});
  if (json.length > FILTER_JSON_MAX) throw new BadUserInputError(`The filter is too large to save (over ${FILTER_JSON_MAX} characters).`, field);
  return json;
}

function storableOrder(order: TicketOrder | null | undefined): Pick<SavedView, "orderField" | "orderDirection"> {
  return { orderField: order?.field ?? null, orderDirection: order?.direction ?? null };
}

function groupOf(shared: boolean, ownerId: string): FilterQuery<SavedView> {
  return shared ? { shared: true } : { owner: ownerId, shared: false };
}

function assertNameFree(group: readonly Pick<SavedView, "id" | "name">[], name: string, exceptId: string | null): void {
  if (group.some((v) => v.id !== exceptId && v.name.toLowerCase() === name.toLowerCase())) {
    throw new ConflictError(`A saved view named "${name}" already exists there; choose another name.`, { field: "input.name" });
  }
}

function viewEvent(view: SavedView, ownerId: string) {
  return view.shared
    ? { target: { type: "SavedView", id: view.id }, refs: { userId: ownerId }, visibility: "STAFF" as const }
    : { target: { type: "SavedView", id: view.id }, refs: { userId: ownerId }, visibility: "ADMIN" as const };
}
