import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAuthenticated, isStaff } from "../../graphql/rules.js";

/** Rating: the service lets only the requester through. Figures: staff only. */
export const satisfactionRules: ModuleRules = {
  Query: { satisfactionStats: rootField({ rule: isStaff, scope: ApiScope.TICKETS_READ }) },
  Mutation: { rateTicket: rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_WRITE }) },
  // A ticket is reached by staff and its requester only: both may read its rating.
  Ticket: { satisfaction: allow, viewerCanRate: allow },
  TicketSatisfaction: { "*": allow },
  SatisfactionStats: { "*": allow }, // reachable only through the staff-only satisfactionStats
  SatisfactionGroup: { "*": allow },
};
