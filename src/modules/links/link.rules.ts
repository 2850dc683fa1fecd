import { and } from "graphql-shield";
import { ApiScope } from "../../core/identity.js";
import { idempotent, rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isStaff, requireScope } from "../../graphql/rules.js";

/** A link changes both sides: an API token needs both write scopes. */
const linkWrite = rootField({ rule: isStaff, scope: [ApiScope.TICKETS_WRITE, ApiScope.ISSUES_WRITE] });

export const linkRules: ModuleRules = {
  Mutation: { linkTicketToIssue: idempotent(linkWrite), unlinkTicketFromIssue: linkWrite },
  // These cross from one area into the other. Customers reach their tickets, but the issues behind
  // them stay staff-only; and a staff owner's ticket token must not read issues this way, nor an
  // issue token tickets (an issue is reached only by staff already: issue.rules.ts).
  Ticket: { linkedIssues: and(isStaff, requireScope(ApiScope.ISSUES_READ)) },
  Issue: { linkedTickets: requireScope(ApiScope.TICKETS_READ) },
  TicketIssueLinkPayload: { "*": allow }, // reachable only through the staff-only mutations
};
