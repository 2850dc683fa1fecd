import type { DomainEvents } from "../../core/events/domain-events.js";
import { BadUserInputError, InvalidTransitionError } from "../../core/errors.js";
import type { Viewer } from "../../core/identity.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { assertVersion, conflictOnRace, LOCKED_READ_ONLY, READ_ONLY } from "../../core/writes.js";
import { CommentSubjectType } from "../comments/comment.enums.js";
import { addComment } from "../comments/comment.writes.js";
import { Project } from "../projects/project.entity.js";
import { situationFor } from "./issue.access.js";
import { Issue } from "./issue.entity.js";
import { IssueStatus } from "./issue.enums.js";
import { issueEvent } from "./issue.events.js";
import type { IssueService } from "./issue.service.js";
import { allowedTransitions, CLOSED_ISSUE_STATUSES, isClosedStatus, judgeTransition, type IssueSituation } from "./issue.states.js";

/** Moves issues through the state machine of issue.states.ts, one locked transaction per move. */
export class IssueTransitionService {
  constructor(
    private readonly issues: IssueService,
    private readonly events: DomainEvents,
  ) {}

  async transition(scope: RequestScope, id: string, to: IssueStatus, reason: string | null | undefined, expectedVersion?: number | null): Promise<Issue> {
    const actor = requireViewer(scope);
    return conflictOnRace("issue", () =>
      this.events.transaction(scope, async (txScope) => {
        const issue = await this.issues.lockForWrite(txScope, id);
        assertVersion("issue", issue.version, expectedVersion);
        const from = issue.status;
        const situation = await this.situation(txScope, actor, issue, isClosedStatus(from) && !isClosedStatus(to));
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
            ? await addComment(this.events, txScope, { authorId: actor.userId, authorRole: actor.role, subjectType: CommentSubjectType.ISSUE, subjectId: issue.id, body: reason!.trim() })
            : null;
        await this.events.raise(txScope, {
          type: "issue.transitioned",
          ...issueEvent(issue),
          payload: { key: issue.key, from, to, ...(comment ? { reason: comment.body, commentId: comment.id } : {}) },
        });
        return issue;
      }),
    );
  }

  /**
   * What the state machine needs, read inside the transaction. When the move reopens the issue,
   * the parent is read under its row lock, so it cannot become DONE while this sub-issue reopens.
   */
  private async situation(txScope: RequestScope, actor: Viewer, issue: Issue, reopening: boolean): Promise<IssueSituation> {
    const tx = txScope.em;
    const project = await tx.findOne(Project, { id: issue.project.id }, READ_ONLY);
    const openSubIssues = await tx.count(Issue, { parent: issue.id, status: { $nin: [...CLOSED_ISSUE_STATUSES] } });
    const parent = issue.parent ? await tx.findOne(Issue, { id: issue.parent.id }, reopening ? LOCKED_READ_ONLY : READ_ONLY) : null;
    return situationFor(actor, issue, { project, openSubIssues, parent });
  }
}
