/**
 * The event types a webhook can ask for, grouped by the module that raises them. The schema
 * takes event types as strings ("ticket.created", "comment.*", "*"), so this list is the
 * client's; anything it lacks can still be typed under "Other event types".
 */
export interface EventGroup {
  /** The module prefix: "ticket" for ticket.created, ticket.updated… */
  module: string;
  label: string;
  /** "ticket", for "All ticket events". */
  noun: string;
  types: { type: string; label: string }[];
}

export const EVENT_GROUPS: EventGroup[] = [
  {
    module: "ticket",
    label: "Tickets",
    noun: "ticket",
    types: [
      { type: "ticket.created", label: "Opened" },
      { type: "ticket.updated", label: "Subject, description, category or priority changed" },
      { type: "ticket.assigned", label: "Assigned" },
      { type: "ticket.transitioned", label: "Status changed" },
      { type: "ticket.linked", label: "Linked to an issue" },
      { type: "ticket.unlinked", label: "Unlinked from an issue" },
    ],
  },
  {
    module: "comment",
    label: "Comments",
    noun: "comment",
    types: [
      { type: "comment.added", label: "Added" },
      { type: "comment.edited", label: "Edited" },
      { type: "comment.deleted", label: "Deleted" },
    ],
  },
  {
    module: "issue",
    label: "Issues",
    noun: "issue",
    types: [
      { type: "issue.created", label: "Created" },
      { type: "issue.updated", label: "Changed" },
      { type: "issue.assigned", label: "Assigned" },
      { type: "issue.transitioned", label: "Status changed" },
    ],
  },
  {
    module: "project",
    label: "Projects",
    noun: "project",
    types: [
      { type: "project.created", label: "Created" },
      { type: "project.updated", label: "Changed" },
      { type: "project.archived", label: "Archived" },
      { type: "project.unarchived", label: "Unarchived" },
    ],
  },
  {
    module: "user",
    label: "Users",
    noun: "user",
    types: [
      { type: "user.registered", label: "Signed up" },
      { type: "user.created", label: "Created by an admin" },
      { type: "user.role_changed", label: "Role changed" },
      { type: "user.unlocked", label: "Unlocked" },
      { type: "user.deactivated", label: "Deactivated" },
    ],
  },
];

/** What the webhook form edits. */
export interface WebhookValues {
  url: string;
  description: string;
  events: string[];
}

/** The server's rule for one entry: "ticket.created", "comment.*" or "*". */
const PATTERN = /^(\*|[a-z_]{1,30}\.(\*|[a-z_]{1,30}))$/;
export const MAX_PATTERNS = 50;

const known = new Set<string>(["*", ...EVENT_GROUPS.flatMap((g) => [`${g.module}.*`, ...g.types.map((t) => t.type)])]);

/** What the event picker holds: ticked catalog entries and free-text patterns. */
export interface EventSelection {
  /** "*", "ticket.*" and single types from the catalog. */
  checked: string[];
  /** Other patterns, comma- or space-separated, as typed. */
  other: string;
}

/** Splits a webhook's stored patterns into ticked boxes and the rest. */
export function selectionFromPatterns(patterns: readonly string[]): EventSelection {
  return {
    checked: patterns.filter((p) => known.has(p)),
    other: patterns.filter((p) => !known.has(p)).join(", "),
  };
}

export function splitOther(other: string): string[] {
  return other
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * The patterns to send: "*" alone when every event is ticked, a module's single types dropped
 * when its "all" box covers them, duplicates removed. `invalid` lists typed patterns the
 * server would refuse.
 */
export function patternsFromSelection(selection: EventSelection): { patterns: string[]; invalid: string[] } {
  const other = splitOther(selection.other);
  const invalid = other.filter((p) => !PATTERN.test(p));
  const all = [...selection.checked, ...other.filter((p) => PATTERN.test(p))];
  if (all.includes("*")) return { patterns: ["*"], invalid };
  const wholeModules = new Set(all.filter((p) => p.endsWith(".*")).map((p) => p.slice(0, -2)));
  const patterns = [...new Set(all)].filter((p) => p.endsWith(".*") || !wholeModules.has(p.slice(0, p.indexOf("."))));
  return { patterns, invalid };
}

/** Whether a catalog type is covered by a ticked wildcard ("*" or its module's "x.*"). */
export function coveredByWildcard(checked: readonly string[], type: string): boolean {
  return checked.includes("*") || checked.includes(`${type.slice(0, type.indexOf("."))}.*`);
}

/** A short summary of a webhook's patterns for lists: "All events", "All ticket events, comment.added". */
export function describePatterns(patterns: readonly string[]): string {
  if (patterns.includes("*")) return "All events";
  return patterns
    .map((p) => {
      if (!p.endsWith(".*")) return p;
      const group = EVENT_GROUPS.find((g) => `${g.module}.*` === p);
      return group ? `All ${group.noun} events` : p;
    })
    .join(", ");
}
