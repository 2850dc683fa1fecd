import type { Ticket } from "../tickets/ticket.entity.js";

/**
 * The watchers module's events, targeting the ticket (its staff history shows them). Watching is
 * STAFF: a customer never learns which agents follow their ticket. CC changes are PUBLIC: the
 * requester sees and edits the list.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** `userId` now watches the ticket; `reason` MENTIONED when an @mention added them. */
    "ticket.watched": { userId: string; reason: "SELF" | "ADDED" | "MENTIONED" | "MERGED" };
    /** `userId` no longer watches the ticket. */
    "ticket.unwatched": { userId: string };
    /** `email` is copied on the ticket's public replies. */
    "ticket.cc_added": { email: string };
    /** `email` is no longer copied. */
    "ticket.cc_removed": { email: string };
  }
}

export const watcherEvent = (ticket: Pick<Ticket, "id">) => ({ target: { type: "Ticket", id: ticket.id }, refs: { ticketId: ticket.id }, visibility: "STAFF" }) as const;
export const ccEvent = (ticket: Pick<Ticket, "id">) => ({ target: { type: "Ticket", id: ticket.id }, refs: { ticketId: ticket.id }, visibility: "PUBLIC" }) as const;
