import { BadUserInputError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { Role } from "../../core/identity.js";
import type { RequestScope } from "../../core/scope.js";
import { textLength } from "../../core/text.js";
import { User } from "../users/user.entity.js";
import { BODY_MAX, Comment } from "./comment.entity.js";
import type { CommentSubjectType } from "./comment.enums.js";
import { commentEvent, type CommentedTicket } from "./comment.events.js";

export interface NewComment {
  authorId: string;
  /** The author's role, as the comment.added event tells its subscribers. */
  authorRole: Role;
  subjectType: CommentSubjectType;
  subjectId: string;
  body: string;
  internal?: boolean;
  /** A ticket comment's ticket, as the writer found it (see CommentedTicket). */
  ticket?: CommentedTicket;
  /** Uploads to attach (the attachments module hears them in comment.added). */
  attachmentIds?: string[];
}

/** A comment body is 1-20,000 characters of Markdown, stored as written (only emptiness is judged trimmed). */
export function assertCommentBody(body: string, field = "input.body"): void {
  if (typeof body !== "string" || body.trim().length === 0) throw new BadUserInputError("The comment must not be empty.", field);
  if (textLength(body) > BODY_MAX) throw new BadUserInputError(`The comment must be at most ${BODY_MAX} characters (it has ${textLength(body)}).`, field);
}

/**
 * Writes a comment in the scope's open events.transaction and raises comment.added (its
 * subscribers send the emails and move the ticket). For modules that store text as a comment
 * (e.g. an issue's cancel reason): it checks the body, not who may comment on the subject,
 * which is the caller's business.
 */
export async function addComment(events: DomainEvents, tx: RequestScope, input: NewComment): Promise<Comment> {
  assertCommentBody(input.body);
  const comment = tx.em.create(Comment, {
    author: tx.em.getReference(User, input.authorId, { wrapped: true }),
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    body: input.body,
    internal: input.internal ?? false,
    createdAt: tx.clock.now(),
  });
  await events.raise(tx, {
    type: "comment.added",
    actorId: input.authorId,
    ...(await commentEvent(tx.em, comment)),
    payload: {
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      internal: comment.internal,
      authorRole: input.authorRole,
      ...(input.ticket ? { ticket: input.ticket } : {}),
      ...(input.attachmentIds?.length ? { attachmentIds: input.attachmentIds } : {}),
    },
  });
  return comment;
}
