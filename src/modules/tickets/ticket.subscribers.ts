import type { DomainEvents } from "../../core/events/domain-events.js";
import type { TicketService } from "./ticket.service.js";

/** The tickets module's reactions to other modules' events, inside their transactions. */
export function subscribeTickets(events: DomainEvents, tickets: TicketService): void {
  // A reply is the first response, or hands a ticket waiting on the customer back to the desk.
  events.subscribe("comment.added", (tx, event) => tickets.applyComment(tx, event));
}
