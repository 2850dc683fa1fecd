import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isStaff } from "../../graphql/rules.js";

/** The organisation report: staff (an API token needs tickets:read). */
export const ticketOrganisationRules: ModuleRules = {
  Query: { organisationStats: rootField({ rule: isStaff, scope: ApiScope.TICKETS_READ }) },
  // Reached through organisationStats and Organisation.ticketCounts, both staff-only.
  OrganisationTicketCounts: { "*": allow },
};
