import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createDesk, createIssue, createProject, ok, storedEvents, type Desk, type IssueRef } from "./desk-fixtures.js";

let t: TestServer;
let desk: Desk;
/** An agent who is neither assignee nor lead of anything here. */
let bystander: { id: string; token: string };
let project: { id: string; key: string };
beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  bystander = await t.createUser("AGENT", "Dan Bystander");
  project = await createProject(t, desk.admin.token, { key: "EVT", leadId: desk.otherAgent.id });
});
afterAll(() => t?.close());

const ISSUE_EVENTS = ["issue.created", "issue.updated", "issue.assigned", "issue.transitioned"];

/** The issue events about one issue, oldest first. */
const eventsOf = (issue: { id: string }) => storedEvents(t, { type: ISSUE_EVENTS, targetId: issue.id });

/** What every issue event carries besides its type, actor and payload: staff-only, about the issue and its project. */
const about = (issue: { id: string }) => ({
  target: { type: "Issue", id: issue.id },
  refs: { ticketId: null, issueId: issue.id, projectId: project.id, userId: null },
  visibility: "STAFF",
});

describe("issue.created", () => {
  it("is recorded once, by the reporter, with the facts of the new issue", async () => {
    const parent = await createIssue(t, desk.agent.token, { projectId: project.id });
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id, title: "Rotate keys", priority: "HIGH", parentId: parent.id, assigneeId: desk.otherAgent.id });
    expect(await eventsOf(issue)).toEqual([
      {
        position: expect.any(Number),
        type: "issue.created",
        actorId: desk.agent.id,
        ...about(issue),
        payload: { key: issue.key, projectId: project.id, title: "Rotate keys", priority: "HIGH", parentId: parent.id, assigneeId: desk.otherAgent.id },
      },
    ]);
  });

  it("is not recorded when the creation is refused", async () => {
    const before = (await storedEvents(t, { type: "issue.created" })).length;
    const archived = await createProject(t, desk.admin.token, { key: "GONE" });
    ok(await t.gql(`mutation($id: ID!) { archiveProject(id: $id) { id } }`, { id: archived.id }, desk.admin.token), "archiveProject");
    const refusals = [
      [await t.gql(CREATE, { i: { projectId: project.id, title: "Customer's idea" } }, desk.customer.token), "FORBIDDEN"],
      [await t.gql(CREATE, { i: { projectId: archived.id, title: "Too late" } }, desk.agent.token), "CONFLICT"],
      [await t.gql(CREATE, { i: { projectId: project.id, title: "   " } }, desk.agent.token), "BAD_USER_INPUT"],
      [await t.gql(CREATE, { i: { projectId: project.id, title: "Bad assignee", assigneeId: desk.customer.id } }, desk.agent.token), "BAD_USER_INPUT"],
    ] as const;
    for (const [res, code] of refusals) expect(res.errors?.[0]?.extensions?.code).toBe(code);
    expect(await storedEvents(t, { type: "issue.created" })).toHaveLength(before);
  });
});

describe("issue.updated", () => {
  it("is recorded once per change, by the editor, with what changed", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id, title: "Old title", description: "four" });
    ok(await t.gql(UPDATE, { id: issue.id, i: { title: "New title", description: "seven!!", priority: "URGENT" } }, bystander.token), "updateIssue");
    const updated = (await eventsOf(issue)).filter((e) => e.type === "issue.updated");
    expect(updated).toEqual([
      {
        position: expect.any(Number),
        type: "issue.updated",
        actorId: bystander.id,
        ...about(issue),
        payload: {
          key: issue.key,
          changes: { title: { from: "Old title", to: "New title" }, description: { from: 4, to: 7 }, priority: { from: "NORMAL", to: "URGENT" } },
        },
      },
    ]);
  });

  it("is not recorded for an edit that changes nothing, a refused edit or a stale version", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id, title: "Steady" });
    ok(await t.gql(UPDATE, { id: issue.id, i: { title: "Steady" } }, desk.agent.token), "updateIssue");
    expect((await t.gql(UPDATE, { id: issue.id, i: { title: "Mine now" } }, desk.customer.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(UPDATE, { id: issue.id, i: { title: "" } }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await t.gql(UPDATE, { id: issue.id, i: { title: "Stale" }, v: issue.version + 1 }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect((await eventsOf(issue)).map((e) => e.type)).toEqual(["issue.created"]);
  });
});

describe("issue.assigned", () => {
  it("is recorded once per change of hands, by whoever assigned, with from and to", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    ok(await t.gql(ASSIGN, { id: issue.id, a: desk.agent.id }, bystander.token), "assignIssue");
    ok(await t.gql(ASSIGN, { id: issue.id, a: desk.agent.id }, desk.agent.token), "assignIssue"); // the same again: no change
    ok(await t.gql(ASSIGN, { id: issue.id, a: null }, desk.otherAgent.token), "assignIssue"); // the lead unassigns
    const assigned = (await eventsOf(issue)).filter((e) => e.type === "issue.assigned");
    expect(assigned).toEqual([
      { position: expect.any(Number), type: "issue.assigned", actorId: bystander.id, ...about(issue), payload: { key: issue.key, from: null, to: desk.agent.id } },
      { position: expect.any(Number), type: "issue.assigned", actorId: desk.otherAgent.id, ...about(issue), payload: { key: issue.key, from: desk.agent.id, to: null } },
    ]);
  });

  it("is not recorded when the reassignment is refused or the version is stale", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id, assigneeId: desk.agent.id });
    expect((await t.gql(ASSIGN, { id: issue.id, a: bystander.id }, bystander.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(ASSIGN, { id: issue.id, a: desk.customer.id }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await t.gql(ASSIGN, { id: issue.id, a: desk.otherAgent.id, v: issue.version + 1 }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect((await eventsOf(issue)).map((e) => e.type)).toEqual(["issue.created"]);
  });
});

describe("issue.transitioned", () => {
  it("is recorded once per move, by whoever moved it, with from and to", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id, assigneeId: desk.agent.id });
    ok(await t.gql(TRANSITION, { id: issue.id, to: "IN_PROGRESS" }, desk.agent.token), "transitionIssue");
    const moved = (await eventsOf(issue)).filter((e) => e.type === "issue.transitioned");
    expect(moved).toEqual([
      { position: expect.any(Number), type: "issue.transitioned", actorId: desk.agent.id, ...about(issue), payload: { key: issue.key, from: "TODO", to: "IN_PROGRESS" } },
    ]);
  });

  it("carries a cancel reason and the comment that keeps it", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    ok(await t.gql(TRANSITION, { id: issue.id, to: "CANCELED", reason: "  Duplicate of EVT-1  " }, bystander.token), "transitionIssue");
    const [event, ...more] = (await eventsOf(issue)).filter((e) => e.type === "issue.transitioned");
    expect(more).toEqual([]);
    expect(event).toMatchObject({ actorId: bystander.id, ...about(issue), payload: { key: issue.key, from: "TODO", to: "CANCELED", reason: "Duplicate of EVT-1" } });
    const comments = ok<{ comments: { nodes: { id: string; body: string }[] } }>(await t.gql(COMMENTS, { id: issue.id }, desk.agent.token), "issue").comments.nodes;
    expect(comments).toEqual([{ id: event!.payload.commentId, body: "Duplicate of EVT-1" }]);
  });

  it("is not recorded for a refused move, a missing reason or a stale version", async () => {
    const issue: IssueRef = await createIssue(t, desk.agent.token, { projectId: project.id, assigneeId: desk.agent.id });
    expect((await t.gql(TRANSITION, { id: issue.id, to: "DONE" }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("INVALID_TRANSITION");
    expect((await t.gql(TRANSITION, { id: issue.id, to: "CANCELED" }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await t.gql(TRANSITION, { id: issue.id, to: "IN_PROGRESS", v: issue.version + 1 }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect((await t.gql(TRANSITION, { id: issue.id, to: "IN_PROGRESS" }, desk.customer.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    ok(await t.gql(TRANSITION, { id: issue.id, to: "IN_PROGRESS" }, desk.agent.token), "transitionIssue");
    // Only an approver signs work off: the bystander's refused IN_REVIEW leaves no trace either.
    expect((await t.gql(TRANSITION, { id: issue.id, to: "IN_REVIEW" }, bystander.token)).errors?.[0]?.extensions?.code).toBe("INVALID_TRANSITION");
    expect((await eventsOf(issue)).map((e) => [e.type, e.payload.to ?? null])).toEqual([
      ["issue.created", null],
      ["issue.transitioned", "IN_PROGRESS"],
    ]);
  });
});

it("writes the audit trail from the same events: one row per event, nothing for refusals", async () => {
  const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
  ok(await t.gql(ASSIGN, { id: issue.id, a: desk.agent.id }, desk.agent.token), "assignIssue");
  await t.gql(ASSIGN, { id: issue.id, a: bystander.id }, bystander.token); // refused
  const res = await t.gql(`query($id: ID) { auditEvents(first: 10, filter: { targetId: $id }) { nodes { action } } }`, { id: issue.id }, desk.admin.token);
  expect(res.data!.auditEvents.nodes.map((e: { action: string }) => e.action).sort()).toEqual(["ISSUE_ASSIGNED", "ISSUE_CREATED"]);
});

const CREATE = `mutation($i: CreateIssueInput!) { createIssue(input: $i) { id } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateIssueInput!, $v: Int) { updateIssue(id: $id, input: $i, expectedVersion: $v) { id version } }`;
const ASSIGN = `mutation($id: ID!, $a: ID, $v: Int) { assignIssue(id: $id, assigneeId: $a, expectedVersion: $v) { id version } }`;
const TRANSITION = `mutation($id: ID!, $to: IssueStatus!, $reason: String, $v: Int) { transitionIssue(id: $id, to: $to, reason: $reason, expectedVersion: $v) { id status version } }`;
const COMMENTS = `query($id: ID) { issue(id: $id) { comments(first: 10) { nodes { id body } } } }`;
