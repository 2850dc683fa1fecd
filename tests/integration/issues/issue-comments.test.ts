import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { auditTrail, createDesk, createIssue, createProject, ok, storedEvents, type Desk } from "./desk-fixtures.js";

/**
 * An issue's discussion: comments in the comments table (subjectType ISSUE), staff only. Runs in
 * both projects, so on MariaDB and on the embedded database alike.
 */
let t: TestServer;
let desk: Desk;
let project: { id: string; key: string };
beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  project = await createProject(t, desk.admin.token, { key: "DISC", leadId: desk.otherAgent.id });
});
afterAll(() => t?.close());

const code = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;

async function comment(token: string, issueId: string, body: string): Promise<{ id: string; version: number }> {
  return ok(await t.gql(ADD, { i: { subjectId: issueId, body } }, token), "addComment");
}

describe("commenting on an issue", () => {
  it("lets agents and admins comment and read the thread oldest first, in Relay pages", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id, title: "Thread" });
    await comment(desk.agent.token, issue.id, "Agent's first look");
    await comment(desk.admin.token, issue.id, "Admin's note");
    await comment(desk.otherAgent.token, issue.id, "Lead's reply");
    const first = ok(await t.gql(THREAD, { id: issue.id, first: 2 }, desk.otherAgent.token), "issue").comments;
    expect(first).toMatchObject({
      totalCount: 3,
      pageInfo: { hasNextPage: true },
      edges: [{ node: { body: "Agent's first look", subjectType: "ISSUE", author: { id: desk.agent.id } } }, { node: { body: "Admin's note", author: { id: desk.admin.id } } }],
    });
    const rest = ok(await t.gql(THREAD, { id: issue.id, first: 2, after: first.pageInfo.endCursor }, desk.admin.token), "issue").comments;
    expect(rest).toMatchObject({ pageInfo: { hasNextPage: false }, edges: [{ node: { body: "Lead's reply" } }] });
  });

  it("refuses a customer: the issue is unknown to them and its thread unreadable", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    const mine = await comment(desk.agent.token, issue.id, "Staff only");
    expect(code(await t.gql(ADD, { i: { subjectId: issue.id, body: "Let me in" } }, desk.customer.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(THREAD, { id: issue.id, first: 5 }, desk.customer.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(EDIT, { id: mine.id, body: "Hijacked", v: mine.version }, desk.customer.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(DELETE, { id: mine.id, v: mine.version }, desk.customer.token))).toBe("NOT_FOUND");
    const thread = ok(await t.gql(THREAD, { id: issue.id, first: 5 }, desk.agent.token), "issue").comments;
    expect(thread.edges.map((e: { node: { body: string } }) => e.node.body)).toEqual(["Staff only"]);
  });

  it("records comment.added, STAFF, about the issue, and audits it", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    const remark = await comment(desk.otherAgent.token, issue.id, "Root cause: the disk batch");
    const [event] = await storedEvents(t, { type: "comment.added", targetId: remark.id });
    expect(event).toMatchObject({
      actorId: desk.otherAgent.id,
      target: { type: "Comment", id: remark.id },
      refs: { ticketId: null, issueId: issue.id, projectId: project.id },
      visibility: "STAFF",
      payload: { subjectType: "ISSUE", subjectId: issue.id, authorRole: "AGENT" },
    });
    expect(await auditTrail(t, remark.id)).toMatchObject([{ action: "COMMENT_ADDED", actorId: desk.otherAgent.id }]);
  });

  it("refuses an empty comment with a coded error and writes nothing", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    expect(code(await t.gql(ADD, { i: { subjectId: issue.id, body: "   " } }, desk.agent.token))).toBe("BAD_USER_INPUT");
    expect(ok(await t.gql(THREAD, { id: issue.id, first: 5 }, desk.agent.token), "issue").comments.totalCount).toBe(0);
  });
});

describe("editing and deleting issue comments", () => {
  it("lets the author edit their own comment, pinned to the version they saw", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    const mine = await comment(desk.agent.token, issue.id, "Teh fix");
    expect(ok(await t.gql(VIEWER_CAN_EDIT, { id: issue.id }, desk.agent.token), "issue").comments.nodes).toEqual([{ viewerCanEdit: true }]);
    const edited = ok(await t.gql(EDIT, { id: mine.id, body: "The fix", v: mine.version }, desk.agent.token), "editComment");
    expect(edited).toMatchObject({ body: "The fix", version: mine.version + 1, editedAt: expect.any(String) });
    expect(code(await t.gql(EDIT, { id: mine.id, body: "Stale", v: mine.version }, desk.agent.token))).toBe("CONFLICT");
    expect((await auditTrail(t, mine.id)).map((e) => e.action)).toEqual(["COMMENT_ADDED", "COMMENT_EDITED"]);
  });

  it("does not let another agent change a colleague's comment", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    const mine = await comment(desk.agent.token, issue.id, "My analysis");
    expect(ok(await t.gql(VIEWER_CAN_EDIT, { id: issue.id }, desk.otherAgent.token), "issue").comments.nodes).toEqual([{ viewerCanEdit: false }]);
    const edit = await t.gql(EDIT, { id: mine.id, body: "Their analysis", v: mine.version }, desk.otherAgent.token);
    expect(code(edit)).toBe("FORBIDDEN");
    expect(edit.errors![0]!.message).toBe("Only its author or an admin may change a comment on an issue.");
    expect(code(await t.gql(DELETE, { id: mine.id, v: mine.version }, desk.otherAgent.token))).toBe("FORBIDDEN");
    expect(ok(await t.gql(THREAD, { id: issue.id, first: 5 }, desk.agent.token), "issue").comments.edges[0].node).toMatchObject({ body: "My analysis", version: mine.version });
  });

  it("lets an admin moderate any comment: edit it, then delete it", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    const theirs = await comment(desk.agent.token, issue.id, "password is hunter2");
    expect(ok(await t.gql(VIEWER_CAN_EDIT, { id: issue.id }, desk.admin.token), "issue").comments.nodes).toEqual([{ viewerCanEdit: true }]);
    const redacted = ok(await t.gql(EDIT, { id: theirs.id, body: "[redacted by an admin]", v: theirs.version }, desk.admin.token), "editComment");
    expect(redacted.body).toBe("[redacted by an admin]");
    expect(ok(await t.gql(DELETE, { id: theirs.id, v: redacted.version }, desk.admin.token), "deleteComment")).toBe(theirs.id);
    expect(ok(await t.gql(THREAD, { id: issue.id, first: 5 }, desk.agent.token), "issue").comments).toMatchObject({ totalCount: 0, edges: [] });
    const [deleted] = await storedEvents(t, { type: "comment.deleted", targetId: theirs.id });
    expect(deleted).toMatchObject({ actorId: desk.admin.id, visibility: "STAFF", refs: { issueId: issue.id }, payload: { subjectType: "ISSUE" } });
  });

  it("lets the author delete their own comment, once", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    const mine = await comment(desk.otherAgent.token, issue.id, "Wrong issue");
    expect(ok(await t.gql(DELETE, { id: mine.id, v: mine.version }, desk.otherAgent.token), "deleteComment")).toBe(mine.id);
    expect(code(await t.gql(DELETE, { id: mine.id }, desk.otherAgent.token))).toBe("NOT_FOUND");
    expect((await auditTrail(t, mine.id)).map((e) => e.action)).toEqual(["COMMENT_ADDED", "COMMENT_DELETED"]);
  });
});

describe("the cancel reason", () => {
  it("appears as the canceler's comment in the issue's thread, which they may edit", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id });
    await comment(desk.agent.token, issue.id, "Looking into it");
    ok(await t.gql(TRANSITION, { id: issue.id, reason: "  Duplicate of DISC-1  " }, desk.otherAgent.token), "transitionIssue");
    const thread = ok(await t.gql(THREAD, { id: issue.id, first: 5 }, desk.otherAgent.token), "issue").comments;
    expect(thread.edges.map((e: { node: unknown }) => e.node)).toMatchObject([
      { body: "Looking into it", author: { id: desk.agent.id }, viewerCanEdit: false },
      { body: "Duplicate of DISC-1", author: { id: desk.otherAgent.id }, viewerCanEdit: true },
    ]);
  });
});

describe("board counts", () => {
  it("counts a project's issues per status on the server, every status listed, narrowed like the list", async () => {
    const board = await createProject(t, desk.admin.token, { key: "BRD" });
    const made = [];
    for (let n = 0; n < 7; n++) made.push(await createIssue(t, desk.agent.token, { projectId: board.id, title: n < 2 ? `Printer jam ${n}` : `Task ${n}`, assigneeId: desk.agent.id }));
    for (const issue of made.slice(0, 3)) ok(await t.gql(MOVE, { id: issue.id, to: "IN_PROGRESS" }, desk.agent.token), "transitionIssue");
    ok(await t.gql(TRANSITION, { id: made[6]!.id, reason: "Not needed" }, desk.agent.token), "transitionIssue");
    const counts = ok(await t.gql(COUNTS, { key: "BRD" }, desk.otherAgent.token), "project").issueStatusCounts;
    expect(counts).toEqual([
      { status: "TODO", count: 3 },
      { status: "IN_PROGRESS", count: 3 },
      { status: "IN_REVIEW", count: 0 },
      { status: "DONE", count: 0 },
      { status: "CANCELED", count: 1 },
    ]);
    const jams = ok(await t.gql(COUNTS, { key: "BRD", filter: { search: "printer" } }, desk.agent.token), "project").issueStatusCounts;
    expect(jams.filter((c: { count: number }) => c.count)).toEqual([{ status: "IN_PROGRESS", count: 2 }]);
    expect(code(await t.gql(COUNTS, { key: "BRD" }, desk.customer.token))).toBe("FORBIDDEN");
  });

  it("pages one column with first/after, its totalCount agreeing with the count", async () => {
    const col = await createProject(t, desk.admin.token, { key: "COL" });
    for (let n = 0; n < 5; n++) await createIssue(t, desk.agent.token, { projectId: col.id, title: `Column card ${n}` });
    const first = ok(await t.gql(COLUMN, { key: "COL", first: 3, filter: { status: ["TODO"] } }, desk.agent.token), "project").issues;
    expect(first).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
    const rest = ok(await t.gql(COLUMN, { key: "COL", first: 3, after: first.pageInfo.endCursor, filter: { status: ["TODO"] } }, desk.agent.token), "project").issues;
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const keys = [...first.nodes, ...rest.nodes].map((i: { key: string }) => i.key);
    expect(new Set(keys).size).toBe(5);
  });
});

const COMMENT_FIELDS = `id body subjectType version editedAt viewerCanEdit author { id }`;
const ADD = `mutation($i: AddCommentInput!) { addComment(input: $i) { ${COMMENT_FIELDS} } }`;
const EDIT = `mutation($id: ID!, $body: String!, $v: Int) { editComment(id: $id, body: $body, expectedVersion: $v) { ${COMMENT_FIELDS} } }`;
const DELETE = `mutation($id: ID!, $v: Int) { deleteComment(id: $id, expectedVersion: $v) }`;
const THREAD = `query($id: ID, $first: Int, $after: String) { issue(id: $id) { comments(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${COMMENT_FIELDS} } } } } }`;
const VIEWER_CAN_EDIT = `query($id: ID) { issue(id: $id) { comments(first: 5) { nodes { viewerCanEdit } } } }`;
const TRANSITION = `mutation($id: ID!, $reason: String) { transitionIssue(id: $id, to: CANCELED, reason: $reason) { status } }`;
const MOVE = `mutation($id: ID!, $to: IssueStatus!) { transitionIssue(id: $id, to: $to) { status } }`;
const COUNTS = `query($key: String!, $filter: IssueFilter) { project(key: $key) { issueStatusCounts(filter: $filter) { status count } } }`;
const COLUMN = `query($key: String!, $first: Int, $after: String, $filter: IssueFilter) { project(key: $key) { issues(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } nodes { key } } } }`;
