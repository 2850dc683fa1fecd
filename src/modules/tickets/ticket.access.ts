import { isStaff, type Viewer } from "../../core/identity.js";
import type { RequestScope } from "../../core/scope.js";
import { managedMembers } from "../organisations/organisation.access.js";
import type { Ticket } from "./ticket.entity.js";
import { TicketStatus } from "./ticket.enums.js";
import { allowedTransitions, isFinal } from "./ticket.states.js";

/**
 * Who may do what with one ticket. The services enforce these and the viewer hints
 * (viewerCanEdit, viewerCanComment, allowedTransitions) report them, so the two cannot disagree.
 */
export const isRequester = (ticket: Ticket, viewer: Viewer): boolean => ticket.requester.id === viewer.userId;

/** What the full visibility check reads besides the ticket: the database, remembered in the request's loaders. */
export type AccessScope = Pick<RequestScope, "em" | "loaders">;

/**
 * Whether the viewer sees the ticket by who they are alone: staff every ticket, a customer their
 * own. Enough where only staff or the requester act (bulk changes, ratings); anywhere a customer
 * reads a ticket, use canSeeTicket, which adds what organisation managers see.
 */
export const canView = (ticket: Ticket, viewer: Viewer): boolean => isStaff(viewer.role) || isRequester(ticket, viewer);

/**
 * The visibility rule: canView, and a customer also sees, exactly as its requester does, the
 * tickets of the members of an organisation they manage (modules/organisations). Anything else
 * answers NOT_FOUND. Lists apply the same rule in SQL (ticket.filters.ts).
 */
export async function canSeeTicket(ticket: Ticket, viewer: Viewer, scope: AccessScope): Promise<boolean> {
  if (canView(ticket, viewer)) return true;
  return scope.loaders.get(managedMembers).manages(scope.em, viewer.userId, ticket.requester.id);
}

/**
 * Staff edit any ticket until it is closed; the requester edits subject, description and category
 * while the desk still works on it (once resolved, they reopen it instead).
 */
export function canEdit(ticket: Ticket, viewer: Viewer): boolean {
  if (isFinal(ticket.status)) return false;
  if (isStaff(viewer.role)) return true;
  return isRequester(ticket, viewer) && ticket.status !== TicketStatus.RESOLVED;
}

/** Staff and the requester comment on a ticket until it is closed (the synchronous part of canCommentOn). */
export const canComment = (ticket: Ticket, viewer: Viewer): boolean => canView(ticket, viewer) && !isFinal(ticket.status);

/** Anyone who sees a ticket (canSeeTicket) comments on it until it is closed; customers publicly. */
export const canCommentOn = async (ticket: Ticket, viewer: Viewer, scope: AccessScope): Promise<boolean> => !isFinal(ticket.status) && (await canSeeTicket(ticket, viewer, scope));

export const transitionsFor = (ticket: Ticket, viewer: Viewer) =>
  allowedTransitions(ticket.status, { role: viewer.role, isRequester: isRequester(ticket, viewer) });

/** Whether a viewer reads the staff-only parts of a ticket's timeline (issue links). */
export const seesStaffHistory = (viewer: Viewer | null): boolean => isStaff(viewer?.role);
