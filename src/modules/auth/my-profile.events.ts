/** A user's own changes to their profile. ADMIN visibility (the audit trail), refs.userId the account. */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** A user changed their own display name (target: the User). */
    "user.profile_updated": { displayName: { from: string; to: string } };
  }
}

export {};
