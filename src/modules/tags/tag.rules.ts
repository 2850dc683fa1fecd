import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { and } from "graphql-shield";
import { allow, isAdmin, isStaff, requireScope } from "../../graphql/rules.js";

const admin = rootField({ rule: isAdmin, scope: ApiScope.ADMIN });

/** Tags are the desk's own vocabulary: staff only, never shown to customers. */
export const tagRules: ModuleRules = {
  Query: { tags: rootField({ rule: isStaff, scope: ApiScope.TICKETS_READ }) },
  Mutation: {
    createTag: admin,
    renameTag: admin,
    deleteTag: admin,
    setTicketTags: rootField({ rule: isStaff, scope: ApiScope.TICKETS_WRITE }),
    changeTicketTags: rootField({ rule: isStaff, scope: ApiScope.TICKETS_WRITE }),
    setIssueTags: rootField({ rule: isStaff, scope: ApiScope.ISSUES_WRITE }),
    changeIssueTags: rootField({ rule: isStaff, scope: ApiScope.ISSUES_WRITE }),
  },
  Tag: { "*": allow }, // reached only through staff-only fields
  // Staff only; a ticket reached through an issue (Issue.linkedTickets) still needs tickets:read for its tags.
  Ticket: { tags: and(isStaff, requireScope(ApiScope.TICKETS_READ)) },
  Issue: { tags: allow }, // issues are staff-only already (issue.rules.ts)
  TicketTagsPayload: { "*": allow },
  IssueTagsPayload: { "*": allow },
};
