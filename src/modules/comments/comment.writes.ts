import type { EntityManager } from "@mikro-orm/core";
import type { RequestMeta } from "../../graphql/context.js";
import { BadUserInputError } from "../../core/errors.js";
import { AuditAction } from "../audit/audit.actions.js";
import { recordAudit } from "../audit/audit.service.js";
import { User } from "../users/user.entity.js";
import { BODY_MAX, Comment } from "./comment.entity.js";
import type { CommentSubjectType } from "./comment.enums.js";
import { textLength } from "../../core/text.js";

export interface NewComment {
  authorId: string;
  subjectType: CommentSubjectType;
  subjectId: string;
  body: string;
  internal?: boolean;
}

/** A comment body is 1-20,000 characters of Markdown, stored as written (only emptiness is judged trimmed). */
export function assertCommentBody(body: string, field = "input.body"): void {
  if (typeof body !== "string" || body.trim().length === 0) throw new BadUserInputError("The comment must not be empty.", field);
  if (textLength(body) > BODY_MAX) throw new BadUserInputError(`The comment must be at most ${BODY_MAX} characters (it has ${textLength(body)}).`, field);
}

/**
 * Queues a comment and its COMMENT_ADDED audit event on `em`; the caller's flush writes both in
 * its transaction. For modules that store text as a comment (e.g. an issue's cancel reason):
 * it checks the body, not who may comment on the subject, which is the caller's business.
 */
export function addComment(em: EntityManager, request: RequestMeta | null, input: NewComment, now = new Date()): Comment {
  assertCommentBody(input.body);
  const comment = em.create(Comment, {
    author: em.getReference(User, input.authorId, { wrapped: true }),
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    body: input.body,
    internal: input.internal ?? false,
    createdAt: now,
  });
  recordAudit(em, request, {
    action: AuditAction.COMMENT_ADDED,
    actorId: input.authorId,
    targetType: "Comment",
    targetId: comment.id,
    details: { subjectType: input.subjectType, subjectId: input.subjectId, internal: comment.internal },
  });
  return comment;
}
