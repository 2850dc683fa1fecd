import { ApiScope } from "../../core/identity.js";
import { idempotent, rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAuthenticated, isStaff } from "../../graphql/rules.js";

const read = rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_READ });
const write = rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_WRITE });

/**
 * Ticket visibility is decided where tickets are fetched (TicketService.get/list: customers only
 * reach their own, anything else is NOT_FOUND), so a Ticket's own fields are open to whoever
 * reached it. Fields that could show more than the ticket itself filter by role inside
 * (comments, latestComments, history).
 */
export const ticketRules: ModuleRules = {
  Query: { ticket: read, tickets: read },
  Mutation: {
    createTicket: idempotent(write),
    updateTicket: write,
    assignTicket: rootField({ rule: isStaff, scope: ApiScope.TICKETS_WRITE }),
    transitionTicket: write,
  },
  Ticket: { "*": allow },
  TicketConnection: { "*": allow },
  TicketEdge: { "*": allow },
  TicketHistoryEntry: { "*": allow },
  SlaExplanation: { "*": allow },
  SlaSegment: { "*": allow },
};
