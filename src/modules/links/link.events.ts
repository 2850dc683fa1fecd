import type { Issue } from "../issues/issue.entity.js";
import type { Ticket } from "../tickets/ticket.entity.js";

/** What a link event tells of the pair (the audit trail's details). */
export interface LinkedPair {
  issueId: string;
  issueKey: string;
  issueTitle: string;
  ticketNumber: number;
}

/**
 * The links module's events. They target the ticket, so its staff history shows them, and are
 * STAFF: customers never learn of the desk's internal issues.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** A ticket was linked to an issue that tracks its engineering work. */
    "ticket.linked": LinkedPair;
    /** A ticket-issue link was removed. */
    "ticket.unlinked": LinkedPair;
  }
}

/** The target, refs, visibility and payload of an event about the link between `ticket` and `issue`. */
export const linkEvent = (ticket: Ticket, issue: Issue) =>
  ({
    target: { type: "Ticket", id: ticket.id },
    refs: { ticketId: ticket.id, issueId: issue.id, projectId: issue.project.id },
    visibility: "STAFF",
    payload: { issueId: issue.id, issueKey: issue.key, issueTitle: issue.title, ticketNumber: ticket.number },
  }) as const;
