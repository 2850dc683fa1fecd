/**
 * The emailed-link flows. ADMIN visibility, refs.userId the account. The links are secrets:
 * they go into the mail (mail/outbox.ts), never into an event.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** A verification link was emailed (target: the User). */
    "email_verification.sent": Record<string, never>;
    /** A user proved they own their address (target: the User). */
    "email.verified": Record<string, never>;
    /** A password reset link was emailed to an account's address (target: the User; no actor). */
    "password_reset.requested": Record<string, never>;
    /** A password was set with a reset link; every session of the account ended (target: the User). */
    "password.reset": Record<string, never>;
    /** A sign-in link was emailed to an account's address (target: the User; no actor). */
    "sign_in_link.requested": Record<string, never>;
  }
}

/** Where an account event points: the account itself, for admins. */
export function aboutAccount(userId: string) {
  return { target: { type: "User", id: userId }, refs: { userId }, visibility: "ADMIN" as const };
}
