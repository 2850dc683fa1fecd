import type { ResultOf } from "../../lib/graphql/graphql.ts";
import type { SavedViewFields } from "../../lib/graphql/saved-views.documents.ts";
import type { TicketFilter, TicketOrder } from "./ticket-list-query.ts";

export type SavedView = ResultOf<typeof SavedViewFields>;

/**
 * The filter to save for "Save this view": what the queue asks for now, without the empty parts,
 * so the stored view reads like what the person chose.
 */
export function filterToSave(filter: TicketFilter): TicketFilter {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value) && !value.length) continue;
    kept[key] = value;
  }
  return kept as TicketFilter;
}

/** A saved view's filter as the `tickets` query takes it (the server stores exactly that shape). */
export function savedFilter(view: Pick<SavedView, "filter">): TicketFilter {
  return view.filter as TicketFilter;
}

export function savedOrder(view: Pick<SavedView, "orderBy">): TicketOrder | null {
  return view.orderBy ? { field: view.orderBy.field, direction: view.orderBy.direction } : null;
}

/** "12 tickets" for a tab's count badge (null: its filter no longer applies). */
export function countLabel(count: number | null | undefined): string {
  if (count == null) return "count unavailable";
  return `${count} ${count === 1 ? "ticket" : "tickets"}`;
}

/**
 * Moving a view one place up (-1) or down (+1) within its group (shared views, or one's own):
 * the group renumbered 0..n-1 in its new order, and only the views whose position changes.
 */
export function reorder(views: readonly Pick<SavedView, "id" | "shared" | "position">[], id: string, by: -1 | 1): { id: string; position: number }[] {
  const moving = views.find((v) => v.id === id);
  if (!moving) return [];
  const group = views.filter((v) => v.shared === moving.shared);
  const from = group.indexOf(moving);
  const to = from + by;
  if (to < 0 || to >= group.length) return [];
  const next = [...group];
  [next[from], next[to]] = [next[to]!, next[from]!];
  return next.map((v, position) => ({ id: v.id, position, before: v.position })).filter((v) => v.position !== v.before).map(({ id, position }) => ({ id, position }));
}
