/** User administration by an admin (the actor). ADMIN visibility, refs.userId the account changed. */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** An admin changed a user's role (target: the User). */
    "user.role_changed": { from: string; to: string };
    /** An admin lifted a sign-in lockout (target: the User). */
    "user.unlocked": Record<string, never>;
    /** An admin deactivated an account; its sessions end with it (target: the User). */
    "user.deactivated": Record<string, never>;
    /** An admin reactivated a deactivated account; it may sign in again (target: the User). */
    "user.reactivated": Record<string, never>;
  }
}

export {};
