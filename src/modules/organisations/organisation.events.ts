/** Organisation administration by an admin (the actor), and automatic membership. STAFF visibility (agents read organisations). */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** An organisation was created (target: the Organisation). */
    "organisation.created": { name: string; emailDomains: string[] };
    /** Its name, notes or email domains changed (target: the Organisation). */
    "organisation.updated": { changes: Record<string, { from: unknown; to: unknown }> };
    /** An organisation and its memberships were removed; its members' tickets stay (target: the Organisation). */
    "organisation.deleted": { name: string };
    /** A customer joined (target: the Organisation; refs.userId the member). `automatic`: by their email domain on sign-up. */
    "organisation.member_added": { userId: string; role: string; automatic?: true };
    /** A member's role changed, e.g. made a manager (target: the Organisation; refs.userId the member). */
    "organisation.member_role_changed": { userId: string; from: string; to: string };
    /** A customer left the organisation; as a manager they no longer see its tickets (target: the Organisation; refs.userId). */
    "organisation.member_removed": { userId: string; role: string };
  }
}

export {};
