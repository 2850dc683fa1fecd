import type { EventVisibility } from "../../core/events/catalog.js";
import type { AttachmentParentType } from "./attachment.enums.js";
import type { ParentInfo } from "./attachment.parents.js";

/**
 * The attachments module's events: a file attached to a ticket, comment or issue, and one
 * removed. Seen like their parent: a ticket's public attachments by its requester, internal
 * notes' and issues' by staff. The payloads are the audit trail's details (never the bytes).
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    "attachment.added": { parentType: AttachmentParentType; parentId: string; fileName: string; size: number; contentType: string; sha256: string };
    "attachment.deleted": { parentType: AttachmentParentType | null; parentId: string | null; fileName: string; size: number };
  }
}

/** The target, refs and visibility of an event about an attachment of `parent` (null: an unattached upload, seen by admins only). */
export function attachmentEvent(id: string, parent: ParentInfo | null) {
  const visibility: EventVisibility = !parent ? "ADMIN" : parent.ticketId && !parent.internal ? "PUBLIC" : "STAFF";
  return {
    target: { type: "Attachment", id },
    refs: { ticketId: parent?.ticketId ?? null, issueId: parent?.issueId ?? null },
    visibility,
  };
}
