import { isStaff, type Viewer } from "../../core/identity.js";
import type { Ticket } from "./ticket.entity.js";
import { TicketStatus } from "./ticket.enums.js";
import { allowedTransitions, isFinal } from "./ticket.states.js";

/**
 * Who may do what with one ticket. The services enforce these and the viewer hints
 * (viewerCanEdit, viewerCanComment, allowedTransitions) report them, so the two cannot disagree.
 */
export const isRequester = (ticket: Ticket, viewer: Viewer): boolean => ticket.requester.id === viewer.userId;

/** Staff see every ticket; a customer only their own (anything else answers NOT_FOUND). */
export const canView = (ticket: Ticket, viewer: Viewer): boolean => isStaff(viewer.role) || isRequester(ticket, viewer);

/**
 * Staff edit any ticket until it is closed; the requester edits subject, description and category
 * while the desk still works on it (once resolved, they reopen it instead).
 */
export function canEdit(ticket: Ticket, viewer: Viewer): boolean {
  if (isFinal(ticket.status)) return false;
  if (isStaff(viewer.role)) return true;
  return isRequester(ticket, viewer) && ticket.status !== TicketStatus.RESOLVED;
}

/** Anyone who sees a ticket comments on it until it is closed. */
export const canComment = (ticket: Ticket, viewer: Viewer): boolean => canView(ticket, viewer) && !isFinal(ticket.status);

export const transitionsFor = (ticket: Ticket, viewer: Viewer) =>
  allowedTransitions(ticket.status, { role: viewer.role, isRequester: isRequester(ticket, viewer) });

/** Whether a viewer reads the staff-only parts of a ticket's timeline (issue links). */
export const seesStaffHistory = (viewer: Viewer | null): boolean => isStaff(viewer?.role);
