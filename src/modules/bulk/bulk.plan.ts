import { AppError, ForbiddenError } from "../../core/errors.js";
import type { Viewer } from "../../core/identity.js";
import type { Priority } from "../../core/priority.js";
import { canComment } from "../tickets/ticket.access.js";
import type { Ticket } from "../tickets/ticket.entity.js";
import type { TicketStatus } from "../tickets/ticket.enums.js";
import type { TicketService } from "../tickets/ticket.service.js";

/** The most tickets one bulk change takes: a page of a long queue, and a transaction that stays short. */
export const BULK_MAX = 500;

export enum BulkRefusal {
  NOT_FOUND = "NOT_FOUND",
  FORBIDDEN = "FORBIDDEN",
  INVALID_TRANSITION = "INVALID_TRANSITION",
}

/** A bulk change, checked: `assigneeId` undefined leaves assignees alone, null unassigns. */
export interface BulkChanges {
  status?: TicketStatus;
  reason?: string;
  priority?: Priority;
  assigneeId?: string | null;
  comment?: { body: string; internal: boolean };
  addTags?: string[];
  removeTags?: string[];
}

export interface FieldChange {
  field: "status" | "priority" | "assignee" | "comment" | "tags";
  from: string | null;
  to: string | null;
}

/** What a bulk change does to one ticket: its changes, or why it leaves the ticket out. */
export type TicketPlan =
  | { ticketId: string; ticket: Ticket; allowed: true; changes: FieldChange[] }
  | { ticketId: string; ticket: Ticket | null; allowed: false; refusal: BulkRefusal; reason: string };

/**
 * Decides one ticket of a bulk change with the same checks a single change makes
 * (TicketService's assert* methods: one state machine), catching their refusals as this
 * ticket's outcome. The preview shows it; the commit refuses everything if any ticket is refused.
 */
export function planTicket(tickets: TicketService, viewer: Viewer, ticketId: string, ticket: Ticket | null, changes: BulkChanges): TicketPlan {
  if (!ticket) return { ticketId, ticket: null, allowed: false, refusal: BulkRefusal.NOT_FOUND, reason: `Ticket "${ticketId}" was not found.` };
  try {
    const planned: FieldChange[] = [];
    if (changes.comment) {
      if (!canComment(ticket, viewer)) throw new ForbiddenError("A closed ticket takes no more comments.");
      planned.push({ field: "comment", from: null, to: changes.comment.internal ? "internal note" : "public reply" });
    }
    if (changes.assigneeId !== undefined) {
      tickets.assertAssignable(ticket);
      const from = ticket.assignee?.id ?? null;
      if (from !== changes.assigneeId) planned.push({ field: "assignee", from, to: changes.assigneeId });
    }
    if (changes.priority !== undefined && changes.priority !== ticket.priority) {
      tickets.assertPriorityChange(ticket, viewer);
      planned.push({ field: "priority", from: ticket.priority, to: changes.priority });
    }
    if (changes.status !== undefined && changes.status !== ticket.status) {
      tickets.assertTransitionFor(ticket, viewer, changes.status);
      planned.push({ field: "status", from: ticket.status, to: changes.status });
    }
    // The tags the ticket has are the tags module's: the preview names what is asked, not the difference.
    if (changes.addTags?.length || changes.removeTags?.length) {
      planned.push({ field: "tags", from: changes.removeTags?.length ? `-${changes.removeTags.join(", -")}` : null, to: changes.addTags?.length ? `+${changes.addTags.join(", +")}` : null });
    }
    return { ticketId, ticket, allowed: true, changes: planned };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const refusal = error.code === "INVALID_TRANSITION" ? BulkRefusal.INVALID_TRANSITION : error.code === "NOT_FOUND" ? BulkRefusal.NOT_FOUND : BulkRefusal.FORBIDDEN;
    return { ticketId, ticket, allowed: false, refusal, reason: error.message };
  }
}
