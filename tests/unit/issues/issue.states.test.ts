import { describe, expect, it } from "vitest";
import { IssueStatus } from "../../../src/modules/issues/issue.enums.js";
import { allowedTransitions, ISSUE_TRANSITIONS, judgeTransition, type IssueSituation } from "../../../src/modules/issues/issue.states.js";

const { TODO, IN_PROGRESS, IN_REVIEW, DONE, CANCELED } = IssueStatus;
const ALL = [TODO, IN_PROGRESS, IN_REVIEW, DONE, CANCELED];

/** An assigned issue, moved by someone who may approve, with nothing blocking. */
const situation = (over: Partial<IssueSituation> = {}): IssueSituation => ({
  status: TODO,
  hasAssignee: true,
  openSubIssues: 0,
  parentClosed: false,
  viewerMayApprove: true,
  ...over,
});

describe("the issue state machine", () => {
  it("has exactly the documented moves", () => {
    expect(ISSUE_TRANSITIONS).toEqual({
      TODO: [IN_PROGRESS, CANCELED],
      IN_PROGRESS: [IN_REVIEW, CANCELED],
      IN_REVIEW: [IN_PROGRESS, DONE, CANCELED],
      DONE: [TODO],
      CANCELED: [],
    });
  });

  it("accepts every documented move when nothing blocks it", () => {
    for (const from of ALL) {
      for (const to of ISSUE_TRANSITIONS[from]) {
        expect(judgeTransition(situation({ status: from }), to, "because"), `${from} -> ${to}`).toEqual({ ok: true });
      }
    }
  });

  it("rejects every other move, including staying put", () => {
    for (const from of ALL) {
      for (const to of ALL.filter((s) => !ISSUE_TRANSITIONS[from].includes(s))) {
        const verdict = judgeTransition(situation({ status: from }), to, "because");
        expect(verdict, `${from} -> ${to}`).toMatchObject({ ok: false, problem: "NOT_A_MOVE" });
      }
    }
    expect(judgeTransition(situation({ status: DONE }), DONE, null)).toMatchObject({ message: "The issue is already DONE." });
  });

  it("needs an assignee to start work or to send a review back", () => {
    for (const from of [TODO, IN_REVIEW]) {
      expect(judgeTransition(situation({ status: from, hasAssignee: false }), IN_PROGRESS, null)).toMatchObject({ ok: false, problem: "NEEDS_ASSIGNEE" });
    }
    expect(judgeTransition(situation({ status: TODO, hasAssignee: false }), CANCELED, "obsolete")).toEqual({ ok: true });
  });

  it("lets only the assignee, the lead or an admin set IN_REVIEW and DONE", () => {
    const bystander = { viewerMayApprove: false };
    expect(judgeTransition(situation({ ...bystander, status: IN_PROGRESS }), IN_REVIEW, null)).toMatchObject({ ok: false, problem: "NOT_APPROVER" });
    expect(judgeTransition(situation({ ...bystander, status: IN_REVIEW }), DONE, null)).toMatchObject({ ok: false, problem: "NOT_APPROVER" });
    // Everything else is open to any staff member.
    expect(judgeTransition(situation({ ...bystander, status: TODO }), IN_PROGRESS, null)).toEqual({ ok: true });
    expect(judgeTransition(situation({ ...bystander, status: IN_REVIEW }), IN_PROGRESS, null)).toEqual({ ok: true });
    expect(judgeTransition(situation({ ...bystander, status: DONE }), TODO, null)).toEqual({ ok: true });
    expect(judgeTransition(situation({ ...bystander, status: IN_REVIEW }), CANCELED, "dup")).toEqual({ ok: true });
  });

  it("keeps an issue with open sub-issues from being DONE", () => {
    expect(judgeTransition(situation({ status: IN_REVIEW, openSubIssues: 1 }), DONE, null)).toMatchObject({
      ok: false,
      problem: "OPEN_SUB_ISSUES",
      message: "The issue has 1 open sub-issue; finish or cancel it first.",
    });
    expect(judgeTransition(situation({ status: IN_REVIEW, openSubIssues: 3 }), DONE, null)).toMatchObject({ message: expect.stringContaining("3 open sub-issues") });
    expect(judgeTransition(situation({ status: IN_REVIEW, openSubIssues: 3 }), CANCELED, "scrapped")).toEqual({ ok: true });
  });

  it("does not reopen a sub-issue of a closed parent", () => {
    expect(judgeTransition(situation({ status: DONE, parentClosed: true }), TODO, null)).toMatchObject({ ok: false, problem: "PARENT_CLOSED" });
    expect(judgeTransition(situation({ status: TODO, parentClosed: true }), CANCELED, "moot")).toEqual({ ok: true });
  });

  it("needs a non-blank reason of bounded length to cancel", () => {
    for (const reason of [null, undefined, "", "   \n"]) {
      expect(judgeTransition(situation(), CANCELED, reason)).toMatchObject({ ok: false, problem: "NEEDS_REASON" });
    }
    expect(judgeTransition(situation(), CANCELED, "x".repeat(20_001))).toMatchObject({ ok: false, problem: "REASON_TOO_LONG" });
    expect(judgeTransition(situation(), CANCELED, "x".repeat(20_000))).toEqual({ ok: true });
  });
});

describe("allowed transitions", () => {
  it("offers every legal move to an approver when nothing blocks", () => {
    for (const from of ALL) expect(allowedTransitions(situation({ status: from }))).toEqual(ISSUE_TRANSITIONS[from]);
  });

  it("offers only what the viewer may do", () => {
    expect(allowedTransitions(situation({ status: IN_PROGRESS, viewerMayApprove: false }))).toEqual([CANCELED]);
    expect(allowedTransitions(situation({ status: IN_REVIEW, viewerMayApprove: false }))).toEqual([IN_PROGRESS, CANCELED]);
  });

  it("leaves out moves that would be refused", () => {
    expect(allowedTransitions(situation({ status: TODO, hasAssignee: false }))).toEqual([CANCELED]);
    expect(allowedTransitions(situation({ status: IN_REVIEW, openSubIssues: 2 }))).toEqual([IN_PROGRESS, CANCELED]);
    expect(allowedTransitions(situation({ status: DONE, parentClosed: true }))).toEqual([]);
    expect(allowedTransitions(situation({ status: CANCELED }))).toEqual([]);
  });
});
