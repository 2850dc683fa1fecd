import type { EntityManager } from "@mikro-orm/core";
import { Comment } from "../comments/comment.entity.js";
import { CommentSubjectType } from "../comments/comment.enums.js";
import { User } from "../users/user.entity.js";

/**
 * Queues a comment on an issue in the caller's transaction (a cancel reason, say). Minimal on
 * purpose: issue comments are staff-only, so there is no visibility or notification to decide.
 */
export function queueIssueComment(tx: EntityManager, issueId: string, authorId: string, body: string): Comment {
  return tx.create(Comment, {
    author: tx.getReference(User, authorId),
    subjectType: CommentSubjectType.ISSUE,
    subjectId: issueId,
    body,
  });
}
