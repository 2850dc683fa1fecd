import type { EntityManager } from "@mikro-orm/core";
import type { RequestMeta, Viewer } from "../../graphql/context.js";
import { BadUserInputError, InvalidTransitionError } from "../../core/errors.js";
import { AuditAction } from "../audit/audit.actions.js";
import { recordAudit } from "../audit/audit.service.js";
import { CommentSubjectType } from "../comments/comment.enums.js";
import { addComment } from "../comments/comment.writes.js";
import { Project } from "../projects/project.entity.js";
import { Issue } from "./issue.entity.js";
import { IssueStatus } from "./issue.enums.js";
import { mayApprove } from "./issue.permissions.js";
import type { IssueService } from "./issue.service.js";
import { allowedTransitions, CLOSED_ISSUE_STATUSES, isClosedStatus, judgeTransition, type IssueSituation } from "./issue.states.js";
import { assertVersion, conflictOnRace, LOCKED_READ_ONLY, READ_ONLY } from "../../core/writes.js";

/** Moves issues through the state machine of issue.states.ts, one locked transaction per move. */
export class IssueTransitionService {
  constructor(private readonly issues: IssueService) {}

  async transition(
    em: EntityManager,
    request: RequestMeta,
    actor: Viewer,
    id: string,
    to: IssueStatus,
    reason: string | null | undefined,
    expectedVersion?: number | null,
  ): Promise<Issue> {
    return conflictOnRace("issue", () =>
      em.transactional(async (tx) => {
        const issue = await this.issues.lockForWrite(tx, id);
        assertVersion("issue", issue.version, expectedVersion);
        const from = issue.status;
        const situation = await this.situation(tx, actor, issue, isClosedStatus(from) && !isClosedStatus(to));
        const verdict = judgeTransition(situation, to, reason);
        if (!verdict.ok) {
          if (verdict.problem === "NEEDS_REASON" || verdict.problem === "REASON_TOO_LONG") throw new BadUserInputError(verdict.message, "reason");
          // A move this viewer may not make is a rejected transition too (issue #3), answered with
          // the moves they may make, as `allowedTransitions` offers them and tickets answer.
          throw new InvalidTransitionError(verdict.message, from, allowedTransitions(situation));
        }
        issue.status = to;
        // The reason is kept where people discuss the issue: as a comment, written in this transaction.
        const comment =
          to === IssueStatus.CANCELED
            ? addComment(tx, request, { authorId: actor.userId, subjectType: CommentSubjectType.ISSUE, subjectId: issue.id, body: reason!.trim() })
            : null;
        recordAudit(tx, request, {
          action: AuditAction.ISSUE_TRANSITIONED,
          actorId: actor.userId,
          targetType: "Issue",
          targetId: issue.id,
          details: { key: issue.key, from, to, ...(comment ? { reason: comment.body, commentId: comment.id } : {}) },
        });
        await tx.flush();
        return issue;
      }),
    );
  }

  /**
   * What the state machine needs, read inside the transaction. When the move reopens the issue,
   * the parent is read under its row lock, so it cannot become DONE while this sub-issue reopens.
   */
  private async situation(tx: EntityManager, actor: Viewer, issue: Issue, reopening: boolean): Promise<IssueSituation> {
    const project = await tx.findOne(Project, { id: issue.project.id }, READ_ONLY);
    const openSubIssues = await tx.count(Issue, { parent: issue.id, status: { $nin: [...CLOSED_ISSUE_STATUSES] } });
    const parent = issue.parent ? await tx.findOne(Issue, { id: issue.parent.id }, reopening ? LOCKED_READ_ONLY : READ_ONLY) : null;
    return {
      status: issue.status,
      hasAssignee: issue.assignee !== null,
      openSubIssues,
      parentClosed: parent !== null && isClosedStatus(parent.status),
      viewerMayApprove: mayApprove(actor, issue, project),
    };
  }
}
