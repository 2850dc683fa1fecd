import { IssueStatus } from "./issue.enums.js";
import { textLength } from "../../core/text.js";

/**
 * The issue state machine, pure so it is unit tested without a database and shared by the
 * mutations (which enforce it) and the `allowedTransitions` hint (which offers the same moves).
 *
 *   TODO -> IN_PROGRESS -> IN_REVIEW -> DONE -> TODO (reopen)
 *                IN_REVIEW -> IN_PROGRESS (changes requested)
 *   TODO | IN_PROGRESS | IN_REVIEW -> CANCELED (with a reason; final)
 */
export const ISSUE_TRANSITIONS: Readonly<Record<IssueStatus, readonly IssueStatus[]>> = {
  [IssueStatus.TODO]: [IssueStatus.IN_PROGRESS, IssueStatus.CANCELED],
  [IssueStatus.IN_PROGRESS]: [IssueStatus.IN_REVIEW, IssueStatus.CANCELED],
  [IssueStatus.IN_REVIEW]: [IssueStatus.IN_PROGRESS, IssueStatus.DONE, IssueStatus.CANCELED],
  [IssueStatus.DONE]: [IssueStatus.TODO],
  [IssueStatus.CANCELED]: [],
};

/** Statuses that count as finished: they do not block a parent from being DONE. */
export const CLOSED_ISSUE_STATUSES: readonly IssueStatus[] = [IssueStatus.DONE, IssueStatus.CANCELED];

export const isClosedStatus = (status: IssueStatus): boolean => CLOSED_ISSUE_STATUSES.includes(status);

/** Statuses only the assignee, the project lead or an admin may set (they sign the work off). */
const APPROVAL_STATUSES: readonly IssueStatus[] = [IssueStatus.IN_REVIEW, IssueStatus.DONE];

/** Statuses that mean someone works on the issue, so it needs an assignee. */
export const WORKING_STATUSES: readonly IssueStatus[] = [IssueStatus.IN_PROGRESS, IssueStatus.IN_REVIEW];

/** A cancel reason becomes a comment, so it shares the comment's length limit. */
export const CANCEL_REASON_MAX = 20_000;

/** What the rules need to know about the issue and about who moves it. */
export interface IssueSituation {
  status: IssueStatus;
  hasAssignee: boolean;
  /** Sub-issues that are neither DONE nor CANCELED. */
  openSubIssues: number;
  /** The parent is DONE or CANCELED: reopening a sub-issue would break the parent's promise. */
  parentClosed: boolean;
  /** The viewer is the assignee, the project's lead or an admin. */
  viewerMayApprove: boolean;
}

export type TransitionProblem = "NOT_A_MOVE" | "NOT_APPROVER" | "NEEDS_ASSIGNEE" | "OPEN_SUB_ISSUES" | "PARENT_CLOSED" | "NEEDS_REASON" | "REASON_TOO_LONG";

export type TransitionVerdict = { ok: true } | { ok: false; problem: TransitionProblem; message: string };

const reject = (problem: TransitionProblem, message: string): TransitionVerdict => ({ ok: false, problem, message });

/** Whether `situation` may move to `to`; `reason` matters only for CANCELED. */
export function judgeTransition(situation: IssueSituation, to: IssueStatus, reason: string | null | undefined): TransitionVerdict {
  const from = situation.status;
  if (!ISSUE_TRANSITIONS[from].includes(to)) {
    return reject("NOT_A_MOVE", from === to ? `The issue is already ${from}.` : `An issue cannot move from ${from} to ${to}.`);
  }
  if (APPROVAL_STATUSES.includes(to) && !situation.viewerMayApprove) {
    return reject("NOT_APPROVER", `Only the assignee, the project lead or an admin may move an issue to ${to}.`);
  }
  if (to === IssueStatus.IN_PROGRESS && !situation.hasAssignee) {
    return reject("NEEDS_ASSIGNEE", "Assign the issue before moving it to IN_PROGRESS.");
  }
  if (to === IssueStatus.DONE && situation.openSubIssues > 0) {
    const n = situation.openSubIssues;
    return reject("OPEN_SUB_ISSUES", `The issue has ${n} open sub-issue${n === 1 ? "" : "s"}; finish or cancel ${n === 1 ? "it" : "them"} first.`);
  }
  if (isClosedStatus(from) && !isClosedStatus(to) && situation.parentClosed) {
    return reject("PARENT_CLOSED", "The parent issue is closed; reopen the parent first.");
  }
  if (to === IssueStatus.CANCELED) {
    const text = reason?.trim() ?? "";
    if (!text) return reject("NEEDS_REASON", "Canceling an issue needs a reason.");
    if (textLength(text) > CANCEL_REASON_MAX) return reject("REASON_TOO_LONG", `The reason must be at most ${CANCEL_REASON_MAX} characters.`);
  }
  return { ok: true };
}

/**
 * The moves this viewer could make right now, in the machine's order. A reason is an input of
 * the move, not a fact of the issue, so CANCELED is offered wherever it is a legal move.
 */
export function allowedTransitions(situation: IssueSituation): IssueStatus[] {
  return ISSUE_TRANSITIONS[situation.status].filter((to) => judgeTransition(situation, to, "a reason").ok);
}
