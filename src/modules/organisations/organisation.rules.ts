import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { and } from "graphql-shield";
import { allow, isAdmin, isAuthenticated, isStaff, requireScope } from "../../graphql/rules.js";

/** Agents read organisations; admins (API tokens: the admin scope) change them. */
const read = rootField({ rule: isStaff, scope: ApiScope.TICKETS_READ });
const administration = rootField({ rule: isAdmin, scope: ApiScope.ADMIN });

/** An organisation's details, wherever it is reached (a ticket's organisation too): staff, and API tokens need tickets:read. */
const staffDetail = and(isStaff, requireScope(ApiScope.TICKETS_READ));

export const organisationRules: ModuleRules = {
  Query: {
    organisations: read,
    organisation: read,
    // A customer's own memberships: which organisations' tickets they manage.
    myOrganisations: rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_READ }),
  },
  Mutation: {
    createOrganisation: administration,
    updateOrganisation: administration,
    deleteOrganisation: administration,
    addOrganisationMember: administration,
    setOrganisationMemberRole: administration,
    removeOrganisationMember: administration,
  },
  // Customers reach an organisation through their memberships and their tickets: its name only.
  Organisation: { "*": allow, notes: staffDetail, emailDomains: staffDetail, members: staffDetail, memberCount: staffDetail, ticketCounts: staffDetail },
  OrganisationMembership: { "*": allow },
  OrganisationConnection: { "*": allow },
  OrganisationEdge: { "*": allow },
};
