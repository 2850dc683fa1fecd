import type { Ticket } from "../tickets/ticket.entity.js";

/**
 * The satisfaction module's events. STAFF: the rating names the agent it counts for; the
 * requester reads their own rating on the ticket.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** The requester rated the ticket (`previousScore`: the rating they changed, within its change window). */
    "ticket.rated": { score: number; previousScore: number | null; commented: boolean; agentId: string | null };
  }
}

export const ratingEvent = (ticket: Pick<Ticket, "id">) => ({ target: { type: "Ticket", id: ticket.id }, refs: { ticketId: ticket.id }, visibility: "STAFF" }) as const;
