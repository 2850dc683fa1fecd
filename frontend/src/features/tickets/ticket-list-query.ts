import type { VariablesOf } from "../../lib/graphql/graphql.ts";
import type { TicketsQuery } from "../../lib/graphql/tickets.documents.ts";
import { PRIORITIES, TICKET_STATUSES, type Priority, type TicketStatus } from "../../lib/format/labels.ts";

export type TicketsVariables = VariablesOf<typeof TicketsQuery>;
export type TicketFilter = NonNullable<TicketsVariables["filter"]>;
export type TicketOrder = NonNullable<TicketsVariables["orderBy"]>;

export const PAGE_SIZE = 20;

/** Statuses someone still has to act on. */
export const ACTIVE_STATUSES: TicketStatus[] = ["OPEN", "IN_PROGRESS", "WAITING_ON_CUSTOMER"];

export const SORTS = {
  updated: { label: "Recently updated", order: { field: "UPDATED_AT", direction: "DESC" } },
  newest: { label: "Newest first", order: { field: "CREATED_AT", direction: "DESC" } },
  oldest: { label: "Oldest first", order: { field: "CREATED_AT", direction: "ASC" } },
  priority: { label: "Highest priority", order: { field: "PRIORITY", direction: "DESC" } },
  due: { label: "SLA due soonest", order: { field: "SLA_DUE", direction: "ASC" } },
} satisfies Record<string, { label: string; order: TicketOrder }>;

export type SortKey = keyof typeof SORTS;

export function sortKey(value: string | null, fallback: SortKey): SortKey {
  return value !== null && value in SORTS ? (value as SortKey) : fallback;
}

/** "active", "all" or one status, as kept in the URL's `status` parameter. */
export function statusFilter(value: string | null, fallback: "active" | "all"): TicketStatus[] | undefined {
  const v = value ?? fallback;
  if (v === "all") return undefined;
  if (v === "active") return ACTIVE_STATUSES;
  return (TICKET_STATUSES as readonly string[]).includes(v) ? [v as TicketStatus] : undefined;
}

export function priorityFilter(value: string | null): Priority[] | undefined {
  return value && (PRIORITIES as readonly string[]).includes(value) ? [value as Priority] : undefined;
}
