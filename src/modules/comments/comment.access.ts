import { isStaff, type Viewer } from "../../core/identity.js";
import type { CommentVisibility } from "./comment.loaders.js";
import { canView } from "../tickets/ticket.access.js";
import type { Ticket } from "../tickets/ticket.entity.js";
import { isFinal } from "../tickets/ticket.states.js";
import type { Comment } from "./comment.entity.js";
import { CommentSubjectType } from "./comment.enums.js";

/**
 * Who may see and change a comment. `ticket` is the comment's ticket (null for issue comments,
 * which are staff-only). Used by the comment service and the `viewerCanEdit` hint alike.
 */
export function canSeeComment(comment: Comment, ticket: Ticket | null, viewer: Viewer): boolean {
  if (comment.deletedAt) return false;
  if (isStaff(viewer.role)) return true;
  return comment.subjectType === CommentSubjectType.TICKET && ticket !== null && canView(ticket, viewer) && !comment.internal;
}

/**
 * Staff edit and delete any comment; a customer their own public comments. Nobody changes the
 * conversation of a closed ticket.
 */
export function canChangeComment(comment: Comment, ticket: Ticket | null, viewer: Viewer): boolean {
  if (!canSeeComment(comment, ticket, viewer)) return false;
  if (ticket && isFinal(ticket.status)) return false;
  return isStaff(viewer.role) || comment.author.id === viewer.userId;
}

/** Which of a ticket's comments a viewer reads in lists and counts: customers never internal notes. */
export const commentVisibilityFor = (viewer: Viewer | null): CommentVisibility => (isStaff(viewer?.role) ? "all" : "public");
