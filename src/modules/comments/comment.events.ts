import type { EntityManager } from "@mikro-orm/core";
import type { Role } from "../../core/identity.js";
import type { EventVisibility } from "../../core/events/catalog.js";
import type { Ticket } from "../tickets/ticket.entity.js";
import type { TicketStatus } from "../tickets/ticket.enums.js";
import { CommentSubjectType } from "./comment.enums.js";

/**
 * A commented ticket as the comment found it, in the comment.added event: what the ticket's
 * own reaction and its emails need, so neither reads the ticket again for every comment.
 */
export interface CommentedTicket {
  number: number;
  subject: string;
  status: TicketStatus;
  requesterId: string;
  assigneeId: string | null;
  hasFirstResponse: boolean;
}

/**
 * The comments module's events. Never the body: the payloads are the audit trail's details,
 * and the trail keeps who wrote where, not what (subscribers that need it read the comment).
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** A comment was written; `ticket` for ticket comments. */
    "comment.added": { subjectType: CommentSubjectType; subjectId: string; internal: boolean; authorRole: Role; ticket?: CommentedTicket; attachmentIds?: string[] };
    /** A comment's body was replaced (its lengths before and after). */
    "comment.edited": { subjectType: CommentSubjectType; subjectId: string; internal: boolean; from: string; to: string };
    /** A comment was deleted. */
    "comment.deleted": { subjectType: CommentSubjectType; subjectId: string; internal: boolean };
  }
}

export const commentedTicket = (ticket: Ticket): CommentedTicket => ({
  number: ticket.number,
  subject: ticket.subject,
  status: ticket.status,
  requesterId: ticket.requester.id,
  assigneeId: ticket.assignee?.id ?? null,
  hasFirstResponse: ticket.firstResponseAt !== null,
});

/**
 * The target, refs and visibility of an event about a comment: PUBLIC on a ticket (its
 * requester reads it), STAFF for internal notes and for issue comments (issues are staff-only).
 * An issue comment's event also names the issue's project, so the feed's project filter finds it.
 */
export async function commentEvent(em: EntityManager, comment: { id: string; subjectType: CommentSubjectType; subjectId: string; internal: boolean }) {
  const onTicket = comment.subjectType === CommentSubjectType.TICKET;
  const visibility: EventVisibility = onTicket && !comment.internal ? "PUBLIC" : "STAFF";
  const projectId = onTicket ? null : await projectOfIssue(em, comment.subjectId);
  return {
    target: { type: "Comment", id: comment.id },
    refs: onTicket ? { ticketId: comment.subjectId } : { issueId: comment.subjectId, ...(projectId ? { projectId } : {}) },
    visibility,
  };
}

/** One indexed read by primary key; the comments module does not depend on the issues module. */
async function projectOfIssue(em: EntityManager, issueId: string): Promise<string | null> {
  const [row] = await em.getConnection().execute<{ project_id: string }[]>("select project_id from issues where id = ?", [issueId], "all", em.getTransactionContext());
  return row?.project_id ?? null;
}
