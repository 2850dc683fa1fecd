import { allow, isAuthenticated, isStaff } from "../../graphql/rules.js";

/**
 * Ticket visibility is decided where tickets are fetched (TicketService.get/list: customers only
 * reach their own, anything else is NOT_FOUND), so a Ticket's own fields are open to whoever
 * reached it. Fields that could show more than the ticket itself filter by role inside
 * (comments, latestComments, history).
 */
export const ticketRules = {
  Query: { ticket: isAuthenticated, tickets: isAuthenticated },
  Mutation: { createTicket: isAuthenticated, updateTicket: isAuthenticated, assignTicket: isStaff, transitionTicket: isAuthenticated },
  Ticket: { "*": allow },
  TicketConnection: { "*": allow },
  TicketEdge: { "*": allow },
  TicketHistoryEntry: { "*": allow },
};
