import type { DomainEvents } from "../../core/events/domain-events.js";
import type { EventType } from "../../core/events/catalog.js";
import { AuditAction } from "./audit.actions.js";
import { recordAudit } from "./audit.service.js";

/**
 * The events the audit trail records, and as which action. The trail is a subscriber: an audit
 * row is written in the transaction of the change it records (so there is never one without
 * the other), with the event's actor, target and payload as its details.
 */
export const AUDITED_EVENTS: Partial<Record<EventType, AuditAction>> = {
  "project.created": AuditAction.PROJECT_CREATED,
  "project.updated": AuditAction.PROJECT_UPDATED,
  "project.archived": AuditAction.PROJECT_ARCHIVED,
  "project.unarchived": AuditAction.PROJECT_UNARCHIVED,
  "issue.created": AuditAction.ISSUE_CREATED,
  "issue.updated": AuditAction.ISSUE_UPDATED,
  "issue.assigned": AuditAction.ISSUE_ASSIGNED,
  "issue.transitioned": AuditAction.ISSUE_TRANSITIONED,
  "user.registered": AuditAction.USER_REGISTERED,
  "user.registration_attempted": AuditAction.REGISTRATION_ATTEMPTED,
  "user.created": AuditAction.USER_CREATED,
  "login.succeeded": AuditAction.LOGIN_SUCCEEDED,
  "login.failed": AuditAction.LOGIN_FAILED,
  "account.locked": AuditAction.ACCOUNT_LOCKED,
  "refresh_token.reused": AuditAction.REFRESH_TOKEN_REUSED,
  "user.logged_out": AuditAction.LOGGED_OUT,
  "password.changed": AuditAction.PASSWORD_CHANGED,
  "user.role_changed": AuditAction.ROLE_CHANGED,
  "user.unlocked": AuditAction.USER_UNLOCKED,
  "user.deactivated": AuditAction.USER_DEACTIVATED,
  "user.reactivated": AuditAction.USER_REACTIVATED,
  "user.profile_updated": AuditAction.PROFILE_UPDATED,
  "invitation.created": AuditAction.INVITATION_CREATED,
  "invitation.resent": AuditAction.INVITATION_RESENT,
  "invitation.revoked": AuditAction.INVITATION_REVOKED,
  "invitation.accepted": AuditAction.INVITATION_ACCEPTED,
  "sso.signed_in": AuditAction.SSO_SIGN_IN,
  "sso.sign_in_failed": AuditAction.SSO_SIGN_IN_FAILED,
  "sso.account_linked": AuditAction.SSO_ACCOUNT_LINKED,
  "sso.account_created": AuditAction.SSO_ACCOUNT_CREATED,
  "second_factor.enabled": AuditAction.SECOND_FACTOR_ENABLED,
  "second_factor.disabled": AuditAction.SECOND_FACTOR_DISABLED,
  "second_factor.succeeded": AuditAction.SECOND_FACTOR_SUCCEEDED,
  "second_factor.failed": AuditAction.SECOND_FACTOR_FAILED,
  "second_factor.reset": AuditAction.SECOND_FACTOR_RESET,
  "recovery_codes.regenerated": AuditAction.RECOVERY_CODES_REGENERATED,
  "passkey.registered": AuditAction.PASSKEY_REGISTERED,
  "passkey.removed": AuditAction.PASSKEY_REMOVED,
  "mfa_policy.changed": AuditAction.MFA_POLICY_CHANGED,
  "rate_limit.hit": AuditAction.RATE_LIMITED,
  "email_verification.sent": AuditAction.EMAIL_VERIFICATION_SENT,
  "email.verified": AuditAction.EMAIL_VERIFIED,
  "password_reset.requested": AuditAction.PASSWORD_RESET_REQUESTED,
  "password.reset": AuditAction.PASSWORD_RESET,
  "sign_in_link.requested": AuditAction.SIGN_IN_LINK_REQUESTED,
  "signing_key.rotated": AuditAction.SIGNING_KEY_ROTATED,
  "webhook.created": AuditAction.WEBHOOK_CREATED,
  "webhook.updated": AuditAction.WEBHOOK_UPDATED,
  "webhook.deleted": AuditAction.WEBHOOK_DELETED,
  "webhook.secret_rotated": AuditAction.WEBHOOK_SECRET_ROTATED,
  "session.revoked": AuditAction.SESSION_REVOKED,
  "api_token.created": AuditAction.API_TOKEN_CREATED,
  "api_token.revoked": AuditAction.API_TOKEN_REVOKED,
  "ticket.created": AuditAction.TICKET_CREATED,
  "ticket.updated": AuditAction.TICKET_UPDATED,
  "ticket.assigned": AuditAction.TICKET_ASSIGNED,
  "ticket.transitioned": AuditAction.TICKET_TRANSITIONED,
  "ticket.reminded": AuditAction.TICKET_REMINDED,
  "ticket.sla_at_risk": AuditAction.TICKET_SLA_AT_RISK,
  "ticket.sla_breached": AuditAction.TICKET_SLA_BREACHED,
  "ticket.watched": AuditAction.TICKET_WATCHED,
  "ticket.unwatched": AuditAction.TICKET_UNWATCHED,
  "ticket.cc_added": AuditAction.TICKET_CC_ADDED,
  "ticket.cc_removed": AuditAction.TICKET_CC_REMOVED,
  "ticket.rated": AuditAction.TICKET_RATED,
  "ticket.merged": AuditAction.TICKET_MERGED,
  "automation.applied": AuditAction.AUTOMATION_APPLIED,
  "automation_rule.created": AuditAction.AUTOMATION_RULE_CREATED,
  "automation_rule.updated": AuditAction.AUTOMATION_RULE_UPDATED,
  "automation_rule.deleted": AuditAction.AUTOMATION_RULE_DELETED,
  "saved_view.created": AuditAction.SAVED_VIEW_CREATED,
  "saved_view.updated": AuditAction.SAVED_VIEW_UPDATED,
  "saved_view.deleted": AuditAction.SAVED_VIEW_DELETED,
  "tag.created": AuditAction.TAG_CREATED,
  "tag.renamed": AuditAction.TAG_RENAMED,
  "tag.deleted": AuditAction.TAG_DELETED,
  "ticket.tags_changed": AuditAction.TICKET_TAGS_CHANGED,
  "issue.tags_changed": AuditAction.ISSUE_TAGS_CHANGED,
  "canned_response.created": AuditAction.CANNED_RESPONSE_CREATED,
  "canned_response.updated": AuditAction.CANNED_RESPONSE_UPDATED,
  "canned_response.deleted": AuditAction.CANNED_RESPONSE_DELETED,
  "macro.created": AuditAction.MACRO_CREATED,
  "macro.updated": AuditAction.MACRO_UPDATED,
  "macro.deleted": AuditAction.MACRO_DELETED,
  "macro.applied": AuditAction.MACRO_APPLIED,
  "job.started": AuditAction.JOB_STARTED,
  "ticket.linked": AuditAction.TICKET_LINKED,
  "ticket.unlinked": AuditAction.TICKET_UNLINKED,
  "comment.added": AuditAction.COMMENT_ADDED,
  "comment.edited": AuditAction.COMMENT_EDITED,
  "comment.deleted": AuditAction.COMMENT_DELETED,
  "attachment.added": AuditAction.ATTACHMENT_ADDED,
  "attachment.deleted": AuditAction.ATTACHMENT_DELETED,
  "inbound_mail.retried": AuditAction.INBOUND_MAIL_RETRIED,
  "organisation.created": AuditAction.ORGANISATION_CREATED,
  "organisation.updated": AuditAction.ORGANISATION_UPDATED,
  "organisation.deleted": AuditAction.ORGANISATION_DELETED,
  "organisation.member_added": AuditAction.ORGANISATION_MEMBER_ADDED,
  "organisation.member_role_changed": AuditAction.ORGANISATION_MEMBER_ROLE_CHANGED,
  "organisation.member_removed": AuditAction.ORGANISATION_MEMBER_REMOVED,
};

/**
 * Events about no stored object (a failed sign-in for an unknown address, an anonymous caller's
 * rate-limit hit) target the request that caused them; the trail records them without a target.
 */
const NO_STORED_TARGET = "Request";

export function subscribeAuditTrail(events: DomainEvents): void {
  events.subscribe("*", (scope, event) => {
    const action = AUDITED_EVENTS[event.type];
    if (!action) return;
    const payload = event.payload as Record<string, unknown>;
    const targeted = event.target.type !== NO_STORED_TARGET;
    recordAudit(scope.em, scope.request, {
      action,
      actorId: event.actorId,
      targetType: targeted ? event.target.type : undefined,
      targetId: targeted ? event.target.id : undefined,
      details: Object.keys(payload).length ? payload : undefined,
      // The business clock's time, as the change itself used (SLA timelines read it back).
      at: event.occurredAt,
    });
  });
}
