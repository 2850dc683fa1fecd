/**
 * The tags module's events, all STAFF (customers never see tags): the vocabulary (tag.*,
 * target: the tag) and what changed on a ticket or an issue (target: that ticket or issue, so
 * its history and the feeds show it). `tags` is the full list after the change.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    "tag.created": { name: string };
    "tag.renamed": { from: string; to: string };
    /** A tag was deleted and taken off `tickets` tickets and `issues` issues. */
    "tag.deleted": { name: string; tickets: number; issues: number };
    "ticket.tags_changed": { added: string[]; removed: string[]; tags: string[] };
    "issue.tags_changed": { key: string; added: string[]; removed: string[]; tags: string[] };
  }
}

export {};
