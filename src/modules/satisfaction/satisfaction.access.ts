import type { Viewer } from "../../core/identity.js";
import { isRequester } from "../tickets/ticket.access.js";
import type { Ticket } from "../tickets/ticket.entity.js";
import { TicketStatus } from "../tickets/ticket.enums.js";
import type { TicketSatisfaction } from "./ticket-satisfaction.entity.js";

/**
 * A ticket can be rated once the desk resolved it: while RESOLVED, and once CLOSED after a
 * resolution (the requester confirmed it, or it closed on its own). A ticket closed without one
 * (withdrawn, or closed by staff while open) has nothing to rate.
 */
export const isRateable = (ticket: Pick<Ticket, "status" | "resolvedAt">): boolean =>
  ticket.status === TicketStatus.RESOLVED || (ticket.status === TicketStatus.CLOSED && ticket.resolvedAt !== null);

/** Whether the viewer may rate (or re-rate) the ticket now: its requester, while rateable and the rating is not final. */
export function canRate(ticket: Ticket, rating: TicketSatisfaction | null, viewer: Viewer, now: Date): boolean {
  return isRequester(ticket, viewer) && isRateable(ticket) && (!rating || rating.changeableUntil > now);
}
