import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAuthenticated } from "../../graphql/rules.js";

/**
 * Attachments are reached through their parent, which was already decided (a customer reaches
 * only their own tickets, and comments are filtered by role), so their fields are open to whoever
 * reached them. Deleting checks uploader or staff in the service (and issues:write for an issue's).
 */
export const attachmentRules: ModuleRules = {
  Mutation: { deleteAttachment: rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_WRITE }) },
  Attachment: { "*": allow },
  Ticket: { attachments: allow },
  Comment: { attachments: allow },
  Issue: { attachments: allow },
};
