import { attachmentIdsOf } from "../../core/attachment-ids.js";
import { ForbiddenError, NotFoundError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { isStaff, type Viewer } from "../../core/identity.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { assertVersion, conflictOnRace, READ_ONLY, unchanged } from "../../core/writes.js";
import { canSeeTicket } from "../tickets/ticket.access.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { isFinal } from "../tickets/ticket.states.js";
import { canChangeComment, canSeeComment } from "./comment.access.js";
import { Comment } from "./comment.entity.js";
import { CommentSubjectType } from "./comment.enums.js";
import { commentedTicket, commentEvent } from "./comment.events.js";
import type { AddCommentInput } from "./comment.types.js";
import { addComment, assertCommentBody } from "./comment.writes.js";

/**
 * Whether an issue exists. Handed in by the composition root: the issues module imports this
 * one (an issue's conversation, a cancel reason kept as a comment), so this one cannot import it.
 */
export type IssueExists = (scope: RequestScope, id: string) => Promise<boolean>;

/**
 * Comments through the API: who may write where. What a comment does elsewhere (emails, the
 * ticket's first response and status) is done by subscribers to comment.added.
 * Other modules write comments with addComment() directly.
 */
export class CommentService {
  constructor(
    private readonly events: DomainEvents,
    private readonly issueExists: IssueExists,
  ) {}

  async add(scope: RequestScope, input: AddCommentInput): Promise<Comment> {
    const viewer = requireViewer(scope);
    assertCommentBody(input.body, "input.body");
    const internal = input.internal ?? false;
    if (internal && !isStaff(viewer.role)) throw new ForbiddenError("Only agents and admins write internal notes.");
    return conflictOnRace("ticket", () =>
      this.events.transaction(scope, async (tx) => {
        // Read only: most comments leave their ticket as it is (its subscriber re-reads it to change it).
        const ticket = await tx.em.findOne(Ticket, { id: input.subjectId }, READ_ONLY);
        if (ticket) {
          if (!(await canSeeTicket(ticket, viewer, tx))) throw subjectNotFound(input.subjectId);
          if (isFinal(ticket.status)) throw new ForbiddenError("A closed ticket takes no more comments.");
        } else if (!isStaff(viewer.role) || !(await this.issueExists(tx, input.subjectId))) {
          // Issues are staff-only: to a customer an issue id is as unknown as a made-up one.
          throw subjectNotFound(input.subjectId);
        }
        return addComment(this.events, tx, {
          authorId: viewer.userId,
          authorRole: viewer.role,
          subjectType: ticket ? CommentSubjectType.TICKET : CommentSubjectType.ISSUE,
          subjectId: input.subjectId,
          body: input.body,
          internal,
          ...(ticket ? { ticket: commentedTicket(ticket) } : {}),
          ...attachmentIdsOf(input.attachmentIds),
        });
      }),
    );
  }

  async edit(scope: RequestScope, id: string, body: string, expectedVersion?: number | null): Promise<Comment> {
    const viewer = requireViewer(scope);
    assertCommentBody(body, "body");
    return conflictOnRace("comment", () =>
      this.events.transaction(scope, async (tx) => {
        const comment = await this.changeable(tx, viewer, id);
        assertVersion("comment", comment.version, expectedVersion);
        if (comment.body === body) return unchanged(tx.em, comment);
        const from = comment.body.length;
        comment.body = body;
        comment.editedAt = tx.clock.now();
        await this.events.raise(tx, {
          type: "comment.edited",
          ...(await commentEvent(tx.em, comment)),
          payload: { subjectType: comment.subjectType, subjectId: comment.subjectId, from: `${from} characters`, to: `${body.length} characters`, internal: comment.internal },
        });
        return comment;
      }),
    );
  }

  async delete(scope: RequestScope, id: string, expectedVersion?: number | null): Promise<Comment> {
    const viewer = requireViewer(scope);
    return conflictOnRace("comment", () =>
      this.events.transaction(scope, async (tx) => {
        const comment = await this.changeable(tx, viewer, id);
        assertVersion("comment", comment.version, expectedVersion);
        comment.deletedAt = tx.clock.now();
        await this.events.raise(tx, {
          type: "comment.deleted",
          ...(await commentEvent(tx.em, comment)),
          payload: { subjectType: comment.subjectType, subjectId: comment.subjectId, internal: comment.internal },
        });
        return comment;
      }),
    );
  }

  /** The comment if the viewer may change it; NOT_FOUND when they may not even see it. */
  private async changeable(tx: RequestScope, viewer: Viewer, id: string): Promise<Comment> {
    const comment = await tx.em.findOne(Comment, { id }, { refresh: true });
    const ticket = comment?.subjectType === CommentSubjectType.TICKET ? await tx.em.findOne(Ticket, { id: comment.subjectId }, READ_ONLY) : null;
    if (!comment || !(await canSeeComment(comment, ticket, viewer, tx))) throw new NotFoundError("Comment", id);
    if (!(await canChangeComment(comment, ticket, viewer, tx))) {
      throw new ForbiddenError(
        ticket && isFinal(ticket.status)
          ? "Comments on a closed ticket can no longer be changed."
          : comment.subjectType === CommentSubjectType.ISSUE
            ? "Only its author or an admin may change a comment on an issue."
            : "Only its author or an agent may change this comment.",
      );
    }
    return comment;
  }
}

const subjectNotFound = (id: string) => new NotFoundError("Ticket or issue", id);
