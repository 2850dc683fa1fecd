import { priorityLabel, ticketStatusLabel, type Priority, type TicketStatus } from "../../lib/format/labels.ts";

/** What the ticket page's subscription says about one event. */
export interface TicketEventLike {
  type: string;
  actor: { id: string; displayName: string } | null;
  payload: Record<string, unknown>;
}

/** One change someone else made while the viewer had unsaved input. */
export interface ConcurrentChange {
  who: string;
  what: string;
}

const statusName = (value: unknown) => ticketStatusLabel[value as TicketStatus] ?? String(value);
const priorityName = (value: unknown) => priorityLabel[value as Priority] ?? String(value);

/**
 * The change an event made, in a few words ("status Open → Resolved"), or null for events that
 * change nothing a person edits here. `names` resolves user ids the page already knows.
 */
export function describeTicketEvent(event: Pick<TicketEventLike, "type" | "payload">, names: ReadonlyMap<string, string>): string | null {
  const p = event.payload;
  switch (event.type) {
    case "ticket.transitioned":
      return `status ${statusName(p.from)} → ${statusName(p.to)}`;
    case "ticket.assigned":
      return typeof p.to === "string" ? `assignee → ${names.get(p.to) ?? "another agent"}` : "assignee removed";
    case "ticket.updated": {
      const changes = (p.changes ?? {}) as Record<string, { from: unknown; to: unknown }>;
      const parts = Object.entries(changes).map(([field, change]) => {
        if (field === "priority") return `priority ${priorityName(change.from)} → ${priorityName(change.to)}`;
        if (field === "subject") return `subject → “${String(change.to)}”`;
        if (field === "category") return change.to ? `category → ${String(change.to)}` : "category removed";
        return field; // the description: the event carries its lengths, not its text
      });
      return parts.length ? parts.join(", ") : null;
    }
    case "comment.added":
      return p.internal ? "added an internal note" : "added a reply";
    case "comment.edited":
      return "edited a comment";
    case "comment.deleted":
      return "deleted a comment";
    case "ticket.linked":
      return "linked an issue";
    case "ticket.unlinked":
      return "unlinked an issue";
    default:
      return null;
  }
}

/** "Bea Agent changed this ticket while you were editing: status Open → Resolved; priority Low → High." */
export function concurrentChangeNotice(changes: readonly ConcurrentChange[]): string {
  if (!changes.length) return "";
  const people = [...new Set(changes.map((c) => c.who))];
  const who = people.length === 1 ? people[0] : `${people.slice(0, -1).join(", ")} and ${people.at(-1)}`;
  const what = [...new Set(changes.map((c) => c.what))].join("; ");
  return `${who} changed this ticket while you were editing: ${what}.`;
}
