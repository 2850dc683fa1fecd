import { ACTIVE_STATUSES, type TicketFilter } from "./ticket-list-query.ts";

/** The agent queue's tabs: each is a fixed slice of tickets that the other filters narrow. */
export const QUEUE_VIEWS = {
  unassigned: { label: "Unassigned", filter: { assignee: { unassigned: true }, status: ACTIVE_STATUSES } },
  mine: { label: "Assigned to me", filter: { assignee: { me: true }, status: ACTIVE_STATUSES } },
  dueSoon: { label: "Due soon", filter: { slaDueSoon: true, status: ACTIVE_STATUSES } },
  breached: { label: "SLA breached", filter: { slaBreached: true, status: ACTIVE_STATUSES } },
  all: { label: "All", filter: {} },
} satisfies Record<string, { label: string; filter: TicketFilter }>;

export type QueueView = keyof typeof QUEUE_VIEWS;

export function queueView(value: string | null): QueueView {
  return value !== null && value in QUEUE_VIEWS ? (value as QueueView) : "unassigned";
}

/** Whether a key press should move through the list rather than go to a form control. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}
