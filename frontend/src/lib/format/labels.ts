import type { EnumOf } from "../graphql/graphql.ts";

export type TicketStatus = EnumOf<"TicketStatus">;
export type IssueStatus = EnumOf<"IssueStatus">;
/** Tickets and issues share one scale of priorities. */
export type Priority = EnumOf<"Priority">;
export type Role = EnumOf<"Role">;
export type AuditAction = EnumOf<"AuditAction">;

/**
 * Lists every value of a schema enum exactly once: a value the schema adds or drops
 * becomes a type error here after `npm run codegen`.
 */
function allOf<T extends string>() {
  return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> })) => list;
}

export const TICKET_STATUSES = allOf<TicketStatus>()(["OPEN", "IN_PROGRESS", "WAITING_ON_CUSTOMER", "RESOLVED", "CLOSED"]);
export const ISSUE_STATUSES = allOf<IssueStatus>()(["TODO", "IN_PROGRESS", "IN_REVIEW", "DONE", "CANCELED"]);
export const PRIORITIES = allOf<Priority>()(["LOW", "NORMAL", "HIGH", "URGENT"]);
export const ROLES = allOf<Role>()(["CUSTOMER", "AGENT", "ADMIN"]);

export const ticketStatusLabel: Record<TicketStatus, string> = {
  OPEN: "Open",
  IN_PROGRESS: "In progress",
  WAITING_ON_CUSTOMER: "Waiting on customer",
  RESOLVED: "Resolved",
  CLOSED: "Closed",
};

export const issueStatusLabel: Record<IssueStatus, string> = {
  TODO: "To do",
  IN_PROGRESS: "In progress",
  IN_REVIEW: "In review",
  DONE: "Done",
  CANCELED: "Canceled",
};

export const priorityLabel: Record<Priority, string> = {
  LOW: "Low",
  NORMAL: "Normal",
  HIGH: "High",
  URGENT: "Urgent",
};

export const roleLabel: Record<Role, string> = {
  CUSTOMER: "Customer",
  AGENT: "Agent",
  ADMIN: "Admin",
};

/** The button text for moving a ticket to `to`, given where it is now. */
export function ticketTransitionLabel(from: TicketStatus, to: TicketStatus): string {
  switch (to) {
    case "OPEN":
      return from === "RESOLVED" || from === "CLOSED" ? "Reopen" : "Mark open";
    case "IN_PROGRESS":
      return "Start work";
    case "WAITING_ON_CUSTOMER":
      return "Wait on customer";
    case "RESOLVED":
      return "Mark resolved";
    case "CLOSED":
      return "Close ticket";
  }
}

/** "TICKET_TRANSITIONED" -> "Ticket transitioned". */
export function auditActionLabel(action: string): string {
  const words = action.toLowerCase().split("_").join(" ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Categories offered for new tickets; the server stores the category as free text. */
export const TICKET_CATEGORIES = ["Access & accounts", "Hardware", "Software", "Network", "Email", "Other"] as const;
