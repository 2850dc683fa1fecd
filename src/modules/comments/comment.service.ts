import type { EntityManager } from "@mikro-orm/core";
import type { RequestMeta, Viewer } from "../../graphql/context.js";
import { ForbiddenError, NotFoundError } from "../../core/errors.js";
import { AuditAction } from "../audit/audit.actions.js";
import { recordAudit } from "../audit/audit.service.js";
import { Issue } from "../issues/issue.entity.js";
import { notifyTicketComment } from "../mail/ticket-notifications.js";
import { assertVersion, conflictOnRace, READ_ONLY, unchanged } from "../../core/writes.js";
import { canView } from "../tickets/ticket.access.js";
import { Ticket } from "../tickets/ticket.entity.js";
import type { TicketService } from "../tickets/ticket.service.js";
import { isFinal } from "../tickets/ticket.states.js";
import { isStaff } from "../users/user.role.js";
import { canChangeComment, canSeeComment } from "./comment.access.js";
import { Comment } from "./comment.entity.js";
import { CommentSubjectType } from "./comment.enums.js";
import type { AddCommentInput } from "./comment.types.js";
import { addComment, assertCommentBody } from "./comment.writes.js";

/**
 * Comments through the API: who may write where, and what a comment does to its ticket
 * (TicketService.applyComment). Other modules write comments with addComment() directly.
 */
export class CommentService {
  constructor(private readonly tickets: TicketService) {}

  async add(em: EntityManager, request: RequestMeta, viewer: Viewer, input: AddCommentInput): Promise<Comment> {
    assertCommentBody(input.body, "input.body");
    const internal = input.internal ?? false;
    if (internal && !isStaff(viewer.role)) throw new ForbiddenError("Only agents and admins write internal notes.");
    return conflictOnRace("ticket", () =>
      em.transactional(async (tx) => {
        // Read only: most comments leave their ticket as it is (see below).
        const ticket = await tx.findOne(Ticket, { id: input.subjectId }, READ_ONLY);
        if (ticket) {
          if (!canView(ticket, viewer)) throw subjectNotFound(input.subjectId);
          if (isFinal(ticket.status)) throw new ForbiddenError("A closed ticket takes no more comments.");
        } else if (!isStaff(viewer.role) || !(await tx.count(Issue, { id: input.subjectId }))) {
          // Issues are staff-only: to a customer an issue id is as unknown as a made-up one.
          throw subjectNotFound(input.subjectId);
        }
        const comment = addComment(
          tx,
          request,
          {
            authorId: viewer.userId,
            subjectType: ticket ? CommentSubjectType.TICKET : CommentSubjectType.ISSUE,
            subjectId: input.subjectId,
            body: input.body,
            internal,
          },
          this.tickets.now(),
        );
        if (ticket) await notifyTicketComment(tx, ticket, viewer, input.body, internal); // issue #6: emails the requester or the assignee (mail module)
        if (ticket && this.tickets.commentChangesTicket(ticket, viewer, internal)) {
          // Managed and re-read: its version guards the change against a concurrent one.
          const managed = await tx.findOneOrFail(Ticket, { id: ticket.id }, { refresh: true });
          this.tickets.applyComment(tx, request, viewer, managed, internal);
        }
        await tx.flush();
        return comment;
      }),
    );
  }

  async edit(em: EntityManager, request: RequestMeta, viewer: Viewer, id: string, body: string, expectedVersion?: number | null): Promise<Comment> {
    assertCommentBody(body, "body");
    return conflictOnRace("comment", () =>
      em.transactional(async (tx) => {
        const { comment } = await this.changeable(tx, viewer, id);
        assertVersion("comment", comment.version, expectedVersion);
        if (comment.body === body) return unchanged(tx, comment);
        const from = comment.body.length;
        const now = this.tickets.now();
        comment.body = body;
        comment.editedAt = now;
        recordAudit(tx, request, {
          action: AuditAction.COMMENT_EDITED,
          actorId: viewer.userId,
          targetType: "Comment",
          targetId: comment.id,
          details: { subjectType: comment.subjectType, subjectId: comment.subjectId, from: `${from} characters`, to: `${body.length} characters` },
        });
        await tx.flush();
        return comment;
      }),
    );
  }

  async delete(em: EntityManager, request: RequestMeta, viewer: Viewer, id: string, expectedVersion?: number | null): Promise<Comment> {
    return conflictOnRace("comment", () =>
      em.transactional(async (tx) => {
        const { comment } = await this.changeable(tx, viewer, id);
        assertVersion("comment", comment.version, expectedVersion);
        comment.deletedAt = this.tickets.now();
        recordAudit(tx, request, {
          action: AuditAction.COMMENT_DELETED,
          actorId: viewer.userId,
          targetType: "Comment",
          targetId: comment.id,
          details: { subjectType: comment.subjectType, subjectId: comment.subjectId, internal: comment.internal },
        });
        await tx.flush();
        return comment;
      }),
    );
  }

  /** The comment if the viewer may change it; NOT_FOUND when they may not even see it. */
  private async changeable(tx: EntityManager, viewer: Viewer, id: string): Promise<{ comment: Comment; ticket: Ticket | null }> {
    const comment = await tx.findOne(Comment, { id }, { refresh: true });
    const ticket = comment?.subjectType === CommentSubjectType.TICKET ? await tx.findOne(Ticket, { id: comment.subjectId }, READ_ONLY) : null;
    if (!comment || !canSeeComment(comment, ticket, viewer)) throw new NotFoundError("Comment", id);
    if (!canChangeComment(comment, ticket, viewer)) {
      throw new ForbiddenError(ticket && isFinal(ticket.status) ? "Comments on a closed ticket can no longer be changed." : "Only its author or an agent may change this comment.");
    }
    return { comment, ticket };
  }
}

const subjectNotFound = (id: string) => new NotFoundError("Ticket or issue", id);
