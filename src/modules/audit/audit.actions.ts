import { registerEnumType } from "type-graphql";

/** Every kind of audited event. Modules add their actions here so the schema documents them all. */
export enum AuditAction {
  USER_REGISTERED = "USER_REGISTERED",
  USER_CREATED = "USER_CREATED",
  LOGIN_SUCCEEDED = "LOGIN_SUCCEEDED",
  LOGIN_FAILED = "LOGIN_FAILED",
  ACCOUNT_LOCKED = "ACCOUNT_LOCKED",
  REFRESH_TOKEN_REUSED = "REFRESH_TOKEN_REUSED",
  LOGGED_OUT = "LOGGED_OUT",
  PASSWORD_CHANGED = "PASSWORD_CHANGED",
  ROLE_CHANGED = "ROLE_CHANGED",
  USER_UNLOCKED = "USER_UNLOCKED",
  USER_DEACTIVATED = "USER_DEACTIVATED",
  RATE_LIMITED = "RATE_LIMITED",
}

registerEnumType(AuditAction, {
  name: "AuditAction",
  description: "What an audit event records.",
});
