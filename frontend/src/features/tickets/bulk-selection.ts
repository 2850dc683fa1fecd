/**
 * The queue's checkbox selection: a set of ticket ids that survives paging, with shift-click
 * ranges as in mail clients (a shift-click sets every row between the last clicked one and this
 * one to this one's new state).
 */
export interface Selection {
  ids: ReadonlySet<string>;
  /** The row last clicked without shift, the anchor of the next range. */
  anchor: number | null;
}

export const emptySelection = (): Selection => ({ ids: new Set(), anchor: null });

/** Toggles row `index` of `rows`; with `range`, every row from the anchor to it takes its new state. */
export function toggleRow(selection: Selection, rows: readonly string[], index: number, range: boolean): Selection {
  const id = rows[index];
  if (id === undefined) return selection;
  const on = !selection.ids.has(id);
  const ids = new Set(selection.ids);
  const from = range && selection.anchor !== null && selection.anchor < rows.length ? selection.anchor : index;
  for (let i = Math.min(from, index); i <= Math.max(from, index); i++) {
    if (on) ids.add(rows[i]!);
    else ids.delete(rows[i]!);
  }
  return { ids, anchor: index };
}

/** Selects every row of the page, or clears them when all already are. */
export function togglePage(selection: Selection, rows: readonly string[]): Selection {
  const all = rows.length > 0 && rows.every((id) => selection.ids.has(id));
  const ids = new Set(selection.ids);
  for (const id of rows) {
    if (all) ids.delete(id);
    else ids.add(id);
  }
  return { ids, anchor: null };
}

/** "all", "some" or "none" of the page's rows are selected (the header checkbox's state). */
export function pageState(selection: Selection, rows: readonly string[]): "all" | "some" | "none" {
  const n = rows.filter((id) => selection.ids.has(id)).length;
  return n === 0 ? "none" : n === rows.length ? "all" : "some";
}

export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}

/** One planned change in words, assignee ids replaced by names when known. */
export function describeChange(change: FieldChange, names: ReadonlyMap<string, string>): string {
  const show = (v: string | null) => (v === null ? "nobody" : (names.get(v) ?? v));
  switch (change.field) {
    case "assignee":
      return `assignee ${show(change.from)} → ${show(change.to)}`;
    case "comment":
      return `adds ${change.to === "internal note" ? "an" : "a"} ${change.to}`;
    case "tags":
      return `tags ${[change.to, change.from].filter(Boolean).join(", ")}`;
    default:
      return `${change.field} ${change.from ?? "—"} → ${change.to ?? "—"}`;
  }
}
