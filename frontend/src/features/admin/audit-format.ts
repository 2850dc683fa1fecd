import type { AuditAction } from "../../lib/format/labels.ts";

/** Every audit action the schema defines, for the filter; a type error here after codegen means one was added. */
function allActions<const L extends readonly AuditAction[]>(
  list: L & ([AuditAction] extends [L[number]] ? unknown : { missing: Exclude<AuditAction, L[number]> }),
): L {
  return list;
}

export const AUDIT_ACTIONS = allActions([
  // Accounts and sessions
  "USER_REGISTERED",
  "REGISTRATION_ATTEMPTED",
  "USER_CREATED",
  "LOGIN_SUCCEEDED",
  "LOGIN_FAILED",
  "ACCOUNT_LOCKED",
  "RATE_LIMITED",
  "REFRESH_TOKEN_REUSED",
  "LOGGED_OUT",
  "SESSION_REVOKED",
  "PASSWORD_CHANGED",
  "PASSWORD_RESET_REQUESTED",
  "PASSWORD_RESET",
  "SIGN_IN_LINK_REQUESTED",
  "EMAIL_VERIFICATION_SENT",
  "EMAIL_VERIFIED",
  "API_TOKEN_CREATED",
  "API_TOKEN_REVOKED",
  "SECOND_FACTOR_ENABLED",
  "SECOND_FACTOR_DISABLED",
  "SECOND_FACTOR_SUCCEEDED",
  "SECOND_FACTOR_FAILED",
  "RECOVERY_CODES_REGENERATED",
  "PASSKEY_REGISTERED",
  "PASSKEY_REMOVED",
  "SSO_SIGN_IN",
  "SSO_SIGN_IN_FAILED",
  "SSO_ACCOUNT_LINKED",
  "SSO_ACCOUNT_CREATED",
  // Administration
  "ROLE_CHANGED",
  "USER_UNLOCKED",
  "USER_DEACTIVATED",
  "SECOND_FACTOR_RESET",
  "MFA_POLICY_CHANGED",
  "USER_REACTIVATED",
  "PROFILE_UPDATED",
  "INVITATION_CREATED",
  "INVITATION_RESENT",
  "INVITATION_REVOKED",
  "INVITATION_ACCEPTED",
  "SIGNING_KEY_ROTATED",
  "WEBHOOK_CREATED",
  "WEBHOOK_UPDATED",
  "WEBHOOK_DELETED",
  "WEBHOOK_SECRET_ROTATED",
  "JOB_STARTED",
  // The desk
  "TICKET_CREATED",
  "TICKET_UPDATED",
  "TICKET_ASSIGNED",
  "TICKET_TRANSITIONED",
  "TICKET_REMINDED",
  "TICKET_SLA_AT_RISK",
  "TICKET_SLA_BREACHED",
  "TICKET_MERGED",
  "TICKET_WATCHED",
  "TICKET_UNWATCHED",
  "TICKET_CC_ADDED",
  "TICKET_CC_REMOVED",
  "TICKET_RATED",
  "AUTOMATION_APPLIED",
  "AUTOMATION_RULE_CREATED",
  "AUTOMATION_RULE_UPDATED",
  "AUTOMATION_RULE_DELETED",
  // Tags, canned responses and macros
  "TAG_CREATED",
  "TAG_RENAMED",
  "TAG_DELETED",
  "TICKET_TAGS_CHANGED",
  "ISSUE_TAGS_CHANGED",
  "CANNED_RESPONSE_CREATED",
  "CANNED_RESPONSE_UPDATED",
  "CANNED_RESPONSE_DELETED",
  "MACRO_CREATED",
  "MACRO_UPDATED",
  "MACRO_DELETED",
  "MACRO_APPLIED",
  // Saved views
  "SAVED_VIEW_CREATED",
  "SAVED_VIEW_UPDATED",
  "SAVED_VIEW_DELETED",
  "TICKET_LINKED",
  "TICKET_UNLINKED",
  "COMMENT_ADDED",
  "COMMENT_EDITED",
  "COMMENT_DELETED",
  "ATTACHMENT_ADDED",
  "ATTACHMENT_DELETED",
  "INBOUND_MAIL_RETRIED",
  "PROJECT_CREATED",
  "PROJECT_UPDATED",
  "PROJECT_ARCHIVED",
  "PROJECT_UNARCHIVED",
  "ISSUE_CREATED",
  "ISSUE_UPDATED",
  "ISSUE_ASSIGNED",
  "ISSUE_TRANSITIONED",
  // Organisations
  "ORGANISATION_CREATED",
  "ORGANISATION_UPDATED",
  "ORGANISATION_DELETED",
  "ORGANISATION_MEMBER_ADDED",
  "ORGANISATION_MEMBER_ROLE_CHANGED",
  "ORGANISATION_MEMBER_REMOVED",
]);

/** Kinds of object the server records as audit targets (AuditEvent.targetType). */
export const TARGET_TYPES = ["User", "Session", "Ticket", "Comment", "Issue", "Project", "Organisation"] as const;

/**
 * An event's free-form details as label/value text pairs: nested values are flattened to
 * "a.b" keys so the page shows readable lines rather than JSON.
 */
export function detailEntries(details: Record<string, unknown> | null | undefined): [string, string][] {
  const out: [string, string][] = [];
  const walk = (value: unknown, path: string) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      out.push([path, value.map((v) => (typeof v === "object" && v !== null ? "…" : String(v))).join(", ")]);
    } else if (typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else {
      out.push([path, String(value)]);
    }
  };
  walk(details ?? {}, "");
  return out.slice(0, 20).map(([k, v]) => [humanKey(k), v.length > 200 ? `${v.slice(0, 200)}…` : v]);
}

function humanKey(key: string): string {
  const spaced = key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_.]/g, " ").toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
