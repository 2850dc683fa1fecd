/**
 * Second factors. All ADMIN visibility, refs.userId the account; the audit trail records them
 * (audit/audited-events.ts) and the security dashboard counts successes, failures and resets.
 * No payload holds a secret, a code or a challenge token.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** A user turned TOTP on by confirming a first code (target: the User). */
    "second_factor.enabled": { method: "totp" | "passkey" };
    /** A user turned TOTP off (target: the User). */
    "second_factor.disabled": { method: "totp" };
    /** A second factor completed a sign-in (target: the Session). */
    "second_factor.succeeded": { method: "totp" | "recovery_code" | "passkey"; firstFactor: string; recoveryCodesLeft?: number };
    /** A wrong second factor; it counts toward the account's lockout (target: the User). */
    "second_factor.failed": { method: "totp" | "recovery_code" | "passkey"; failures: number };
    /** An admin removed every second factor of an account; its owner was emailed (target: the User). */
    "second_factor.reset": Record<string, never>;
    /** New recovery codes replaced the old ones (target: the User). */
    "recovery_codes.regenerated": { count: number };
    /** A passkey was registered (target: the Passkey). */
    "passkey.registered": { name: string };
    /** A passkey was removed (target: the Passkey). */
    "passkey.removed": { name: string };
    /** An admin set whether a role must have a second factor (target: the MfaRolePolicy by role). */
    "mfa_policy.changed": { role: string; required: boolean; graceDays: number };
  }
}

/** Where a second-factor event points: the account, or a session or passkey of it. */
export function aboutAccount(userId: string, targetType = "User", targetId = userId) {
  return { target: { type: targetType, id: targetId }, refs: { userId }, visibility: "ADMIN" as const };
}
