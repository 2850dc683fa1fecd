import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isStaff } from "../../graphql/rules.js";

/** Desk-wide counts: staff only (an API token needs tickets:read). */
export const ticketStatsRules: ModuleRules = {
  Query: { ticketStats: rootField({ rule: isStaff, scope: ApiScope.TICKETS_READ }) },
  TicketStats: { "*": allow }, // reachable only through the staff-only ticketStats
  TicketDayCount: { "*": allow },
};
