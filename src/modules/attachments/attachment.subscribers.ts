import type { DomainEvents } from "../../core/events/domain-events.js";
import "../comments/comment.events.js";
import "../issues/issue.events.js";
import "../tickets/ticket.events.js";
import { parentOfComment, parentOfIssue, parentOfTicket } from "./attachment.parents.js";
import type { AttachmentService } from "./attachment.service.js";

/**
 * Mutations name upload ids (`attachmentIds`) and the module that owns the parent raises its
 * event with them; the uploads are attached here, inside that transaction, so a bad id fails the
 * whole write (no ticket without its files, no file on the wrong ticket).
 */
export function subscribeAttachments(events: DomainEvents, attachments: AttachmentService): void {
  events.subscribe("ticket.created", (tx, event) =>
    attachments.attachUploads(tx, event.payload.attachmentIds ?? [], parentOfTicket(event.target.id), event.actorId, "input.attachmentIds"),
  );
  events.subscribe("comment.added", (tx, event) => {
    const { attachmentIds, subjectType, subjectId, internal } = event.payload;
    return attachments.attachUploads(tx, attachmentIds ?? [], parentOfComment(event.target.id, subjectType, subjectId, internal), event.actorId, "input.attachmentIds");
  });
  events.subscribe("issue.created", (tx, event) =>
    attachments.attachUploads(tx, event.payload.attachmentIds ?? [], parentOfIssue(event.target.id), event.actorId, "input.attachmentIds"),
  );
}
