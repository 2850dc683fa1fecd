/**
 * Sign-in, sessions and credentials. All ADMIN: they concern one account (refs.userId), and
 * the audit trail records them (audit/audited-events.ts). No payload holds a password or token.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** Someone created a customer account for themselves (target: the User). */
    "user.registered": Record<string, never>;
    /**
     * Someone tried to register an address that already has an account, and was answered as if
     * it were new (REQUIRE_VERIFIED_EMAIL); its owner is told by mail (target: that User).
     */
    "user.registration_attempted": Record<string, never>;
    /** An account was created by the server itself: the first admin (target: the User). */
    "user.created": { reason: string; role: string };
    /** A session was opened, with the password or an emailed link (target: the Session). */
    "login.succeeded": { method?: "sign_in_link" | "passkey" };
    /**
     * A sign-in was refused: a wrong password for an account (target: the User), or an address
     * without one (target: the Request, actor and refs.userId null).
     */
    "login.failed": { reason: "wrong_password"; failures: number } | { reason: "unknown_email"; email: string };
    /** Too many failed sign-ins locked an account (target: the User; no actor, the server did it). */
    "account.locked": { until: string };
    /** A refresh token was presented twice, so its session was ended (target: the Session). */
    "refresh_token.reused": { rotatedAt: string };
    /** A user signed out of a session (target: the Session). */
    "user.logged_out": Record<string, never>;
    /** A user changed their password; their other sessions ended (target: the User). */
    "password.changed": Record<string, never>;
    /**
     * A user ended one of their sessions (target: the Session), or all but the current one
     * (target: the User, with how many ended).
     */
    "session.revoked": { others?: number };
    /**
     * `npm run keys:rotate` made a new JWT signing key (target: the SigningKey by its kid; no
     * actor, no user). `previousVerifySeconds` is 0 when the previous keys were retired at once.
     */
    "signing_key.rotated": { previousVerifySeconds: number; published: string[] };
  }
}

export {};
