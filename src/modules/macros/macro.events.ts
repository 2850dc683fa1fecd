import type { MacroChangeKind } from "./macro.model.js";

/**
 * Macros: kept like canned responses (shared: STAFF; personal: ADMIN) and, when applied, one
 * macro.applied on the ticket (STAFF) beside the events of each change it made (ticket.*,
 * comment.added, ticket.tags_changed), raised by the services that made them.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    "macro.created": { name: string; shared: boolean };
    "macro.updated": { name: string; shared: boolean };
    "macro.deleted": { name: string; shared: boolean };
    "macro.applied": { macroId: string; name: string; changes: MacroChangeKind[] };
  }
}

export {};
