import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { auditTrail, createDesk, createIssue, createProject, ok, type Desk, type IssueRef } from "./desk-fixtures.js";

let t: TestServer;
let desk: Desk;
/** An agent who is neither assignee nor lead of anything here. */
let bystander: { id: string; token: string };
let project: { id: string };
beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  bystander = await t.createUser("AGENT", "Dan Bystander");
  // desk.otherAgent leads the project; desk.agent is the usual assignee.
  project = await createProject(t, desk.admin.token, { key: "OPS", leadId: desk.otherAgent.id });
});
afterAll(() => t?.close());

const assigned = () => createIssue(t, desk.agent.token, { projectId: project.id, assigneeId: desk.agent.id });

async function move(issue: { id: string }, to: string, token: string, extra: { reason?: string; v?: number } = {}) {
  return t.gql(TRANSITION, { id: issue.id, to, ...extra }, token);
}

async function moved(issue: { id: string }, to: string, token = desk.agent.token, reason?: string) {
  return ok<IssueRef & { allowedTransitions: string[] }>(await move(issue, to, token, { reason }), "transitionIssue");
}

async function read(issue: { id: string }, token = desk.agent.token) {
  return ok<IssueRef & { allowedTransitions: string[] }>(await t.gql(ISSUE, { id: issue.id }, token), "issue");
}

describe("the happy path", () => {
  it("walks TODO -> IN_PROGRESS -> IN_REVIEW -> DONE -> TODO as the assignee, offering each next move", async () => {
    const issue = await assigned();
    expect((await read(issue)).allowedTransitions).toEqual(["IN_PROGRESS", "CANCELED"]);
    expect(await moved(issue, "IN_PROGRESS")).toMatchObject({ status: "IN_PROGRESS", version: 2, allowedTransitions: ["IN_REVIEW", "CANCELED"] });
    expect(await moved(issue, "IN_REVIEW")).toMatchObject({ status: "IN_REVIEW", version: 3, allowedTransitions: ["IN_PROGRESS", "DONE", "CANCELED"] });
    expect(await moved(issue, "DONE")).toMatchObject({ status: "DONE", version: 4, allowedTransitions: ["TODO"] });
    expect(await moved(issue, "TODO", bystander.token)).toMatchObject({ status: "TODO", version: 5 });
    const events = (await auditTrail(t, issue.id)).filter((e) => e.action === "ISSUE_TRANSITIONED");
    expect(events.map((e) => [e.details!.from, e.details!.to, e.actorId])).toEqual([
      ["TODO", "IN_PROGRESS", desk.agent.id],
      ["IN_PROGRESS", "IN_REVIEW", desk.agent.id],
      ["IN_REVIEW", "DONE", desk.agent.id],
      ["DONE", "TODO", bystander.id],
    ]);
  });

  it("lets any agent start an assigned issue and send a review back", async () => {
    const issue = await assigned();
    await moved(issue, "IN_PROGRESS", bystander.token);
    await moved(issue, "IN_REVIEW");
    expect(await moved(issue, "IN_PROGRESS", bystander.token)).toMatchObject({ status: "IN_PROGRESS" });
  });
});

describe("moves the machine does not have", () => {
  it.each([
    ["TODO", "IN_REVIEW"],
    ["TODO", "DONE"],
    ["TODO", "TODO"],
    ["IN_PROGRESS", "TODO"],
    ["IN_PROGRESS", "DONE"],
    ["IN_REVIEW", "TODO"],
    ["DONE", "IN_PROGRESS"],
    ["DONE", "CANCELED"],
    ["CANCELED", "TODO"],
    ["CANCELED", "IN_PROGRESS"],
  ])("refuses %s -> %s with INVALID_TRANSITION, the current status and the allowed moves, changing nothing", async (from, to) => {
    const issue = await assigned();
    const path: Record<string, string[]> = { TODO: [], IN_PROGRESS: ["IN_PROGRESS"], IN_REVIEW: ["IN_PROGRESS", "IN_REVIEW"], DONE: ["IN_PROGRESS", "IN_REVIEW", "DONE"], CANCELED: ["CANCELED"] };
    for (const step of path[from]!) await moved(issue, step, desk.agent.token, "no longer needed");
    const before = await read(issue);
    const res = await move(issue, to, desk.admin.token, { reason: "trying" });
    expect(res.errors?.[0]?.extensions).toEqual({ code: "INVALID_TRANSITION", currentStatus: from, allowedTransitions: before.allowedTransitions });
    expect(res.data).toBeNull();
    expect(await read(issue)).toEqual(before);
  });
});

describe("the rules of each move", () => {
  it("needs an assignee before work starts", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    expect((await read(issue)).allowedTransitions).toEqual(["CANCELED"]);
    const res = await move(issue, "IN_PROGRESS", desk.admin.token);
    expect(res.errors?.[0]).toMatchObject({
      message: "Assign the issue before moving it to IN_PROGRESS.",
      extensions: { code: "INVALID_TRANSITION", currentStatus: "TODO", allowedTransitions: ["CANCELED"] },
    });
    await t.gql(`mutation($id: ID!, $a: ID) { assignIssue(id: $id, assigneeId: $a) { id } }`, { id: issue.id, a: bystander.id }, desk.agent.token);
    expect((await moved(issue, "IN_PROGRESS", desk.admin.token)).status).toBe("IN_PROGRESS");
  });

  it("lets only the assignee, the project lead or an admin set IN_REVIEW and DONE", async () => {
    const issue = await assigned();
    await moved(issue, "IN_PROGRESS");
    // A bystander is not offered IN_REVIEW, and is refused it as a rejected transition, with the moves open to them.
    expect((await read(issue, bystander.token)).allowedTransitions).toEqual(["CANCELED"]);
    const refused = await move(issue, "IN_REVIEW", bystander.token);
    expect(refused.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/assignee, the project lead or an admin/),
      extensions: { code: "INVALID_TRANSITION", currentStatus: "IN_PROGRESS", allowedTransitions: ["CANCELED"] },
    });
    expect(refused.data).toBeNull();
    expect((await read(issue)).status).toBe("IN_PROGRESS");
    // The lead and an admin are offered it and may.
    expect((await read(issue, desk.otherAgent.token)).allowedTransitions).toEqual(["IN_REVIEW", "CANCELED"]);
    expect((await read(issue, desk.admin.token)).allowedTransitions).toEqual(["IN_REVIEW", "CANCELED"]);
    await moved(issue, "IN_REVIEW", desk.otherAgent.token);
    expect((await read(issue, bystander.token)).allowedTransitions).toEqual(["IN_PROGRESS", "CANCELED"]);
    expect((await move(issue, "DONE", bystander.token)).errors?.[0]?.extensions).toEqual({
      code: "INVALID_TRANSITION",
      currentStatus: "IN_REVIEW",
      allowedTransitions: ["IN_PROGRESS", "CANCELED"],
    });
    expect((await moved(issue, "DONE", desk.admin.token)).status).toBe("DONE");
  });

  const canAssign = async (issue: { id: string }, token: string) => ok<{ viewerCanAssign: boolean }>(await t.gql(CAN_ASSIGN, { id: issue.id }, token), "issue").viewerCanAssign;

  it("keeps a bystander from assigning an issue to themselves to sign it off", async () => {
    const issue = await assigned();
    await moved(issue, "IN_PROGRESS");
    await moved(issue, "IN_REVIEW");
    const before = await read(issue);
    // The client is told who may hand it over before anyone tries.
    expect(await canAssign(issue, bystander.token)).toBe(false);
    for (const token of [desk.agent.token, desk.otherAgent.token, desk.admin.token]) expect(await canAssign(issue, token)).toBe(true);
    expect((await move(issue, "DONE", bystander.token)).errors?.[0]?.extensions?.code).toBe("INVALID_TRANSITION");
    // Taking the issue over (or handing it to anyone else) is refused and changes nothing...
    for (const assignee of [bystander.id, desk.otherAgent.id]) {
      const takeover = await t.gql(ASSIGN, { id: issue.id, a: assignee }, bystander.token);
      expect(takeover.errors?.[0]).toMatchObject({
        message: "Only the assignee, the project lead or an admin may reassign an issue that already has an assignee.",
        extensions: { code: "FORBIDDEN" },
      });
      expect(takeover.data).toBeNull();
    }
    expect(await read(issue)).toEqual(before);
    // ...so the sign-off stays out of reach.
    const done = await move(issue, "DONE", bystander.token);
    expect(done.errors?.[0]?.extensions).toEqual({ code: "INVALID_TRANSITION", currentStatus: "IN_REVIEW", allowedTransitions: ["IN_PROGRESS", "CANCELED"] });
    expect(await read(issue)).toEqual(before);
    expect((await auditTrail(t, issue.id)).filter((e) => e.action === "ISSUE_ASSIGNED")).toEqual([]);
  });

  it("lets the assignee, the lead or an admin hand an assigned issue over, and the new assignee sign it off", async () => {
    const issue = await assigned();
    await moved(issue, "IN_PROGRESS");
    await moved(issue, "IN_REVIEW");
    const handOver = async (to: string, token: string) => ok<{ assignee: { id: string } }>(await t.gql(ASSIGN, { id: issue.id, a: to }, token), "assignIssue").assignee.id;
    expect(await handOver(desk.admin.id, desk.agent.token)).toBe(desk.admin.id); // the assignee
    expect(await handOver(desk.agent.id, desk.admin.token)).toBe(desk.agent.id); // an admin
    expect(await handOver(bystander.id, desk.otherAgent.token)).toBe(bystander.id); // the project lead
    expect((await read(issue, bystander.token)).allowedTransitions).toEqual(["IN_PROGRESS", "DONE", "CANCELED"]);
    expect((await moved(issue, "DONE", bystander.token)).status).toBe("DONE");
  });

  it("lets any agent pick up an unassigned issue and carry it to DONE", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    expect(await canAssign(issue, bystander.token)).toBe(true);
    expect(ok<{ assignee: { id: string } }>(await t.gql(ASSIGN, { id: issue.id, a: bystander.id }, bystander.token), "assignIssue").assignee.id).toBe(bystander.id);
    for (const step of ["IN_PROGRESS", "IN_REVIEW", "DONE"]) expect((await moved(issue, step, bystander.token)).status).toBe(step);
  });

  it("keeps an issue with open sub-issues from being DONE until they are finished or canceled", async () => {
    const parent = await assigned();
    const child = await createIssue(t, desk.agent.token, { projectId: project.id, parentId: parent.id, assigneeId: desk.agent.id });
    const other = await createIssue(t, desk.agent.token, { projectId: project.id, parentId: parent.id });
    await moved(parent, "IN_PROGRESS");
    await moved(parent, "IN_REVIEW");
    expect((await read(parent)).allowedTransitions).toEqual(["IN_PROGRESS", "CANCELED"]);
    const res = await move(parent, "DONE", desk.agent.token);
    expect(res.errors?.[0]).toMatchObject({
      message: "The issue has 2 open sub-issues; finish or cancel them first.",
      extensions: { code: "INVALID_TRANSITION", currentStatus: "IN_REVIEW", allowedTransitions: ["IN_PROGRESS", "CANCELED"] },
    });
    for (const step of ["IN_PROGRESS", "IN_REVIEW", "DONE"]) await moved(child, step);
    await moved(other, "CANCELED", desk.agent.token, "Folded into the parent");
    expect((await read(parent)).allowedTransitions).toEqual(["IN_PROGRESS", "DONE", "CANCELED"]);
    expect((await moved(parent, "DONE")).status).toBe("DONE");
    // A DONE parent promises its sub-issues are finished: reopening one is refused...
    const reopen = await move(child, "TODO", desk.agent.token);
    expect(reopen.errors?.[0]).toMatchObject({ message: "The parent issue is closed; reopen the parent first.", extensions: { code: "INVALID_TRANSITION", allowedTransitions: [] } });
    expect((await read(child)).allowedTransitions).toEqual([]);
    // ...until the parent is reopened.
    await moved(parent, "TODO");
    expect((await moved(child, "TODO")).status).toBe("TODO");
  });

  it("cancels only with a reason, which becomes a comment on the issue, and never leaves CANCELED", async () => {
    const issue = await assigned();
    await moved(issue, "IN_PROGRESS");
    for (const reason of [undefined, "   "]) {
      const res = await move(issue, "CANCELED", desk.agent.token, { reason });
      expect(res.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "reason" });
    }
    expect((await read(issue)).status).toBe("IN_PROGRESS");
    const canceled = await moved(issue, "CANCELED", bystander.token, "  Superseded by OPS-99 \n");
    expect(canceled).toMatchObject({ status: "CANCELED", allowedTransitions: [] });
    const discussion = ok(await t.gql(COMMENTS, { id: issue.id }, desk.agent.token), "issue");
    expect(discussion.comments).toEqual({ totalCount: 1, nodes: [{ body: "Superseded by OPS-99", subjectType: "ISSUE", author: { id: bystander.id } }] });
    const event = (await auditTrail(t, issue.id)).at(-1)!;
    expect(event).toMatchObject({ action: "ISSUE_TRANSITIONED", actorId: bystander.id, details: { from: "IN_PROGRESS", to: "CANCELED", reason: "Superseded by OPS-99", commentId: expect.any(String) } });
  });

  it("cancels from TODO and IN_REVIEW too", async () => {
    const todo = await createIssue(t, desk.agent.token, { projectId: project.id });
    expect((await moved(todo, "CANCELED", desk.agent.token, "Duplicate")).status).toBe("CANCELED");
    const review = await assigned();
    await moved(review, "IN_PROGRESS");
    await moved(review, "IN_REVIEW");
    expect((await moved(review, "CANCELED", bystander.token, "Won't fix")).status).toBe("CANCELED");
  });
});

describe("who may transition, and races", () => {
  it("refuses customers and anonymous callers, and answers NOT_FOUND for an unknown issue", async () => {
    const issue = await assigned();
    expect((await move(issue, "IN_PROGRESS", desk.customer.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(TRANSITION, { id: issue.id, to: "IN_PROGRESS" })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await move({ id: "0190aaaa-0000-7000-8000-000000000000" }, "IN_PROGRESS", desk.agent.token)).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("answers CONFLICT for a stale expectedVersion and changes nothing", async () => {
    const issue = await assigned();
    await moved(issue, "IN_PROGRESS");
    const res = await move(issue, "IN_REVIEW", desk.agent.token, { v: 1 });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", currentVersion: 2 });
    expect((await read(issue)).status).toBe("IN_PROGRESS");
  });

  it("lets exactly one of two concurrent transitions from the same version win", async () => {
    for (let round = 0; round < 3; round++) {
      const issue = await assigned();
      const [start, cancel] = await Promise.all([
        move(issue, "IN_PROGRESS", desk.agent.token, { v: 1 }),
        move(issue, "CANCELED", desk.otherAgent.token, { v: 1, reason: "Not needed" }),
      ]);
      const results = [start, cancel];
      expect(results.filter((r) => r.data?.transitionIssue)).toHaveLength(1);
      expect(results.filter((r) => r.errors?.[0]?.extensions?.code === "CONFLICT")).toHaveLength(1);
      const winner = results.find((r) => r.data?.transitionIssue)!.data!.transitionIssue;
      expect(await read(issue)).toMatchObject({ status: winner.status, version: 2 });
      expect((await auditTrail(t, issue.id)).filter((e) => e.action === "ISSUE_TRANSITIONED")).toHaveLength(1);
      const discussion = ok(await t.gql(COMMENTS, { id: issue.id }, desk.agent.token), "issue");
      expect(discussion.comments.totalCount).toBe(winner.status === "CANCELED" ? 1 : 0);
    }
  });
});

const FIELDS = `id key number status version allowedTransitions`;
const ISSUE = `query($id: ID) { issue(id: $id) { ${FIELDS} } }`;
const COMMENTS = `query($id: ID) { issue(id: $id) { comments(first: 10) { totalCount nodes { body subjectType author { id } } } } }`;
const CAN_ASSIGN = `query($id: ID) { issue(id: $id) { viewerCanAssign } }`;
const ASSIGN = `mutation($id: ID!, $a: ID) { assignIssue(id: $id, assigneeId: $a) { ${FIELDS} assignee { id } } }`;
const TRANSITION = `mutation($id: ID!, $to: IssueStatus!, $reason: String, $v: Int) { transitionIssue(id: $id, to: $to, reason: $reason, expectedVersion: $v) { ${FIELDS} } }`;
