/**
 * The merge module's event. It targets the ticket that lives on (its history shows the merge);
 * the duplicate's own history shows its closing, with "merged into #n" as the reason. PUBLIC:
 * both requesters are told.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** A duplicate ticket was merged into this one: its comments, attachments and issue links moved here and it was closed. */
    "ticket.merged": {
      sourceId: string;
      sourceNumber: number;
      targetNumber: number;
      sourceRequesterId: string;
      targetRequesterId: string;
      movedComments: number;
      movedAttachments: number;
      movedLinks: number;
      movedWatchers: number;
    };
  }
}

export {};
