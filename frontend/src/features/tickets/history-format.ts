import { priorityLabel, ticketStatusLabel } from "../../lib/format/labels.ts";

export interface HistoryEntryLike {
  action: string;
  from?: string | null;
  to?: string | null;
  details?: Record<string, unknown> | null;
  actor?: { displayName: string } | null;
}

const FIELD_NAMES: Record<string, string> = { subject: "subject", description: "description", category: "category", priority: "priority" };
const WORDS: Record<string, string> = { ...ticketStatusLabel, ...priorityLabel };
const word = (value: unknown) => (typeof value === "string" ? (WORDS[value] ?? value) : "none");

/**
 * One line of a ticket's timeline, e.g. "Alex Agent changed the status from Open to Resolved".
 * `names` resolves the user ids the server records for assignments.
 */
export function describeHistoryEntry(entry: HistoryEntryLike, names: Map<string, string> = new Map()): string {
  const who = entry.actor?.displayName ?? "The system";
  const details = entry.details ?? {};
  switch (entry.action) {
    case "TICKET_CREATED":
      return `${who} opened the ticket`;
    case "TICKET_TRANSITIONED":
      return `${who} changed the status from ${word(entry.from)} to ${word(entry.to)}`;
    case "TICKET_ASSIGNED": {
      if (!entry.to) return `${who} unassigned the ticket`;
      const name = names.get(entry.to);
      return name ? `${who} assigned the ticket to ${name}` : `${who} reassigned the ticket`;
    }
    case "TICKET_UPDATED": {
      const changes = typeof details.changes === "object" && details.changes !== null ? Object.keys(details.changes) : [];
      const fields = changes.map((f) => FIELD_NAMES[f] ?? f);
      if (changes.length === 1 && changes[0] === "priority") {
        const change = (details.changes as Record<string, { from?: unknown; to?: unknown }>).priority;
        return `${who} changed the priority from ${word(change?.from)} to ${word(change?.to)}`;
      }
      return fields.length ? `${who} edited the ${joinWords(fields)}` : `${who} edited the ticket`;
    }
    case "TICKET_SLA_AT_RISK":
    case "TICKET_SLA_BREACHED": {
      const target = details.phase === "RESOLUTION" ? "resolution" : "first response";
      const what = entry.action === "TICKET_SLA_AT_RISK" ? `The ${target} target is at risk` : `The ${target} target was missed`;
      const actions = Array.isArray(details.actions) && details.actions.length ? `: ${joinWords(details.actions.map(String))}` : "";
      return `${what}${actions}`;
    }
    case "TICKET_LINKED":
      return `${who} linked issue ${String(details.issueKey ?? "")}`.trim();
    case "TICKET_UNLINKED":
      return `${who} unlinked issue ${String(details.issueKey ?? "")}`.trim();
    case "TICKET_WATCHED":
    case "TICKET_UNWATCHED": {
      const userId = typeof details.userId === "string" ? details.userId : "";
      const own = entry.actor && names.get(userId) === entry.actor.displayName;
      const whom = own ? "" : (names.get(userId) ?? "someone");
      const verb = entry.action === "TICKET_WATCHED" ? (details.reason === "MENTIONED" ? `mentioned ${whom}, who now watches the ticket` : own ? "started watching" : `added ${whom} as a watcher`) : own ? "stopped watching" : `removed ${whom} from the watchers`;
      return `${who} ${verb}`;
    }
    case "TICKET_CC_ADDED":
      return `${who} copied ${String(details.email ?? "someone")}`;
    case "TICKET_CC_REMOVED":
      return `${who} stopped copying ${String(details.email ?? "someone")}`;
    case "TICKET_MERGED":
      return `${who} merged #${String(details.sourceNumber ?? "?")} into this ticket`;
    case "TICKET_RATED":
      return `${who} rated the ticket ${String(details.score ?? "")} out of 5`;
    default: {
      const words = entry.action.toLowerCase().split("_").join(" ");
      return `${who}: ${words}`;
    }
  }
}

function joinWords(words: string[]): string {
  if (words.length < 2) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}
