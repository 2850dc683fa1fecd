import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { isAuthenticated, isStaff } from "../../graphql/rules.js";

/**
 * Decided when the subscription starts and again for every event (a demoted agent's socket is
 * closed besides: server/websocket.ts). Each stream then carries only what its viewer may learn
 * of (subscription.service.ts). A subscribe spends the caller's query budget like a query.
 */
export const subscriptionRules: ModuleRules = {
  Subscription: {
    ticketEvents: rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_READ }),
    deskEvents: rootField({ rule: isStaff, scope: ApiScope.TICKETS_READ }),
    myTicketEvents: rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_READ }),
  },
};
