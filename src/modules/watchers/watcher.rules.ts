import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAuthenticated, isStaff } from "../../graphql/rules.js";

/** Who may act on which ticket (and whom they may add) is decided by WatcherService: customers reach only their own tickets. */
const write = rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_WRITE });

export const watcherRules: ModuleRules = {
  Query: { mentionableAgents: rootField({ rule: isStaff, scope: ApiScope.TICKETS_READ }) },
  Mutation: { watchTicket: write, unwatchTicket: write, addTicketCc: write, removeTicketCc: write },
  // Ticket.watchers filters by role inside; the CC list is the requester's and the staff's, who alone reach a ticket.
  Ticket: { watchers: allow, viewerIsWatching: allow, ccs: allow },
  TicketCc: { "*": allow },
};
