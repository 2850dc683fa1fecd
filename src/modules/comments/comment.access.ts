import { isStaff, Role, type Viewer } from "../../core/identity.js";
import type { CommentVisibility } from "./comment.loaders.js";
import { canSeeTicket, type AccessScope } from "../tickets/ticket.access.js";
import type { Ticket } from "../tickets/ticket.entity.js";
import { isFinal } from "../tickets/ticket.states.js";
import type { Comment } from "./comment.entity.js";
import { CommentSubjectType } from "./comment.enums.js";

/**
 * Who may see and change a comment. `ticket` is the comment's ticket (null for issue comments,
 * which are staff-only). Used by the comment service and the `viewerCanEdit` hint alike.
 */
export async function canSeeComment(comment: Comment, ticket: Ticket | null, viewer: Viewer, scope: AccessScope): Promise<boolean> {
  if (comment.deletedAt) return false;
  if (isStaff(viewer.role)) return true;
  return comment.subjectType === CommentSubjectType.TICKET && ticket !== null && !comment.internal && (await canSeeTicket(ticket, viewer, scope));
}

/**
 * Staff edit and delete any ticket comment; a customer their own public comments. Nobody changes
 * the conversation of a closed ticket. On an issue, where only colleagues write, a comment is its
 * author's words: they edit it, and admins moderate; other agents do not rewrite it.
 */
export async function canChangeComment(comment: Comment, ticket: Ticket | null, viewer: Viewer, scope: AccessScope): Promise<boolean> {
  if (!(await canSeeComment(comment, ticket, viewer, scope))) return false;
  if (comment.subjectType === CommentSubjectType.ISSUE) return comment.author.id === viewer.userId || viewer.role === Role.ADMIN;
  if (ticket && isFinal(ticket.status)) return false;
  return isStaff(viewer.role) || comment.author.id === viewer.userId;
}

/** Which of a ticket's comments a viewer reads in lists and counts: customers never internal notes. */
export const commentVisibilityFor = (viewer: Viewer | null): CommentVisibility => (isStaff(viewer?.role) ? "all" : "public");
