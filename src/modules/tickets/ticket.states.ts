import { InvalidTransitionError } from "../../core/errors.js";
import { isStaff, type Role } from "../../core/identity.js";
import { TicketStatus } from "./ticket.enums.js";

const { OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED, CLOSED } = TicketStatus;

/**
 * The ticket life cycle, one table for the mutations, the viewer hints and the tests:
 * OPEN -> IN_PROGRESS <-> WAITING_ON_CUSTOMER, both -> RESOLVED -> CLOSED, RESOLVED -> OPEN
 * (reopen), and staff may close anything not closed. CLOSED is final.
 */
const STAFF_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  [OPEN]: [IN_PROGRESS, CLOSED],
  [IN_PROGRESS]: [WAITING_ON_CUSTOMER, RESOLVED, CLOSED],
  [WAITING_ON_CUSTOMER]: [IN_PROGRESS, RESOLVED, CLOSED],
  [RESOLVED]: [OPEN, CLOSED],
  [CLOSED]: [],
};

/**
 * A customer may withdraw their own ticket while the desk works on it (close it: "no longer
 * needed"), and answers its resolution: reopen it or confirm by closing.
 */
const REQUESTER_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  [OPEN]: [CLOSED],
  [IN_PROGRESS]: [CLOSED],
  [WAITING_ON_CUSTOMER]: [CLOSED],
  [RESOLVED]: [OPEN, CLOSED],
  [CLOSED]: [],
};

/** Who asks to move a ticket: their role, and whether they opened it. */
export interface TransitionActor {
  role: Role;
  isRequester: boolean;
}

/** The statuses `actor` may move a ticket in `from` to, in life-cycle order. */
export function allowedTransitions(from: TicketStatus, actor: TransitionActor): readonly TicketStatus[] {
  if (isStaff(actor.role)) return STAFF_TRANSITIONS[from];
  return actor.isRequester ? REQUESTER_TRANSITIONS[from] : [];
}

export function canTransition(from: TicketStatus, to: TicketStatus, actor: TransitionActor): boolean {
  return allowedTransitions(from, actor).includes(to);
}

/** Throws INVALID_TRANSITION (with the current status and what is allowed) unless the move is allowed. */
export function assertTransition(from: TicketStatus, to: TicketStatus, actor: TransitionActor): void {
  if (canTransition(from, to, actor)) return;
  const allowed = allowedTransitions(from, actor);
  const options = allowed.length ? `allowed from here: ${allowed.join(", ")}` : "no transition is allowed from here for you";
  throw new InvalidTransitionError(`A ticket cannot move from ${from} to ${to} (${options}).`, from, allowed);
}

/**
 * The status a new public comment moves a ticket to, if any: the customer answering a ticket
 * that waits on them hands it back to the desk. Internal notes and staff comments move nothing.
 */
export function statusAfterComment(current: TicketStatus, author: { role: Role }, internal: boolean): TicketStatus | null {
  if (internal || isStaff(author.role)) return null;
  return current === WAITING_ON_CUSTOMER ? IN_PROGRESS : null;
}

/** Closed tickets take no more edits or comments. */
export const isFinal = (status: TicketStatus): boolean => status === CLOSED;
