/**
 * Canned responses: shared ones are STAFF events, personal ones ADMIN (their titles are their
 * owner's business). Target: the canned response.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    "canned_response.created": { title: string; shared: boolean };
    "canned_response.updated": { title: string; shared: boolean };
    "canned_response.deleted": { title: string; shared: boolean };
  }
}

export {};
