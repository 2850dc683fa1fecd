/**
 * Saved views. A personal view's events are its owner's (ADMIN visibility, refs.userId the
 * owner); a shared view's are the staff's (STAFF visibility).
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** A saved view was created (target: the SavedView). */
    "saved_view.created": { name: string; shared: boolean };
    /** A saved view's name, filter, sort, sharing or position changed; `changes` names the fields. */
    "saved_view.updated": { name: string; shared: boolean; changes: string[] };
    /** A saved view was deleted. */
    "saved_view.deleted": { name: string; shared: boolean };
  }
}

export {};
