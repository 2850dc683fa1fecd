import { accountRules } from "../modules/account/account.rules.js";
import { apiTokenRules } from "../modules/api-tokens/api-token.rules.js";
import { attachmentRules } from "../modules/attachments/attachment.rules.js";
import { auditRules } from "../modules/audit/audit.rules.js";
import { authRules } from "../modules/auth/auth.rules.js";
import { mySessionsRules } from "../modules/auth/my-sessions.rules.js";
import { mfaRules } from "../modules/mfa/mfa.rules.js";
import { commentRules } from "../modules/comments/comment.rules.js";
import { eventRules } from "../modules/events/event.rules.js";
import { issueRules } from "../modules/issues/issue.rules.js";
import { jobRules } from "../modules/jobs/job.rules.js";
import { linkRules } from "../modules/links/link.rules.js";
import { mailRules, notificationPreferencesRules } from "../modules/mail/mail.rules.js";
import { intakeRules } from "../modules/intake/intake.rules.js";
import { projectRules } from "../modules/projects/project.rules.js";
import { rateLimitRules } from "../modules/rate-limit/rate-limit.rules.js";
import { securityRules } from "../modules/security/security.rules.js";
import { subscriptionRules } from "../modules/subscriptions/subscription.rules.js";
import { ticketRules } from "../modules/tickets/ticket.rules.js";
import { triageRules } from "../modules/triage/triage.rules.js";
import { automationRules } from "../modules/automation/automation.rules.js";
import { userRules } from "../modules/users/user.rules.js";
import { webhookRules } from "../modules/webhooks/webhook.rules.js";
import { invitationRules } from "../modules/invitations/invitation.rules.js";
import { ssoRules } from "../modules/sso/sso.rules.js";
import { myProfileRules } from "../modules/auth/my-profile.rules.js";
import { userSessionsRules } from "../modules/auth/user-sessions.rules.js";
import { ticketStatsRules } from "../modules/tickets/ticket-stats.rules.js";
import { tagRules } from "../modules/tags/tag.rules.js";
import { cannedResponseRules } from "../modules/canned-responses/canned-response.rules.js";
import { macroRules } from "../modules/macros/macro.rules.js";
import { bulkRules } from "../modules/bulk/bulk.rules.js";
import { mergeRules } from "../modules/merge/merge.rules.js";
import { derivePermissions, type ModuleRules } from "./root-fields.js";
import { savedViewRules } from "../modules/saved-views/saved-view.rules.js";
import { customerDirectoryRules } from "../modules/users/customer-directory.rules.js";
import { watcherRules } from "../modules/watchers/watcher.rules.js";
import { satisfactionRules } from "../modules/satisfaction/satisfaction.rules.js";
import { organisationRules } from "../modules/organisations/organisation.rules.js";
import { ticketOrganisationRules } from "../modules/tickets/ticket-organisation.rules.js";

/** Every module's permission rules; a module is wired by adding its rules here (and its resolvers in schema.ts). */
export const moduleRules: readonly ModuleRules[] = [authRules, mfaRules, userRules, auditRules, ticketRules, commentRules, projectRules, issueRules, linkRules, accountRules, mySessionsRules, apiTokenRules, mailRules, notificationPreferencesRules, rateLimitRules, securityRules, eventRules, webhookRules, subscriptionRules, triageRules, automationRules, jobRules, attachmentRules, intakeRules, invitationRules, ssoRules, myProfileRules, userSessionsRules, ticketStatsRules, savedViewRules, customerDirectoryRules, watcherRules, satisfactionRules, tagRules, cannedResponseRules, macroRules, bulkRules, mergeRules, organisationRules, ticketOrganisationRules];

/**
 * The shield rule tree, the API-token scope of every root field and the sign-in budget's
 * mutations, all derived from the modules' rootField() declarations.
 */
export const permissions = derivePermissions(moduleRules);
