import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { auditTrail, createDesk, createIssue, createProject, ok, type Desk } from "./desk-fixtures.js";

let t: TestServer;
let desk: Desk;
let ops: { id: string };
let web: { id: string };
beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  ops = await createProject(t, desk.admin.token, { key: "OPS" });
  web = await createProject(t, desk.admin.token, { key: "WEB" });
});
afterAll(() => t?.close());

const newIssue = (extra: Record<string, unknown> = {}) => createIssue(t, desk.agent.token, { projectId: ops.id, ...extra });
const reparent = (id: string, parentId: string | null) => t.gql(UPDATE, { id, p: parentId }, desk.agent.token);

describe("sub-issues", () => {
  it("creates sub-issues and shows the hierarchy both ways", async () => {
    const epic = await newIssue({ title: "Epic" });
    const story = await newIssue({ title: "Story", parentId: epic.id });
    const task = await newIssue({ title: "Task", parentId: story.id });
    const res = ok(await t.gql(TREE, { id: story.id }, desk.agent.token), "issue");
    expect(res).toEqual({ key: story.key, parent: { key: epic.key }, subIssues: [{ key: task.key, parent: { key: story.key } }] });
    const top = ok(await t.gql(TREE, { id: epic.id }, desk.agent.token), "issue");
    expect(top.parent).toBeNull();
  });

  it("keeps sub-issues in their parent's project", async () => {
    const parent = await newIssue();
    const res = await t.gql(CREATE, { i: { projectId: web.id, title: "Elsewhere", parentId: parent.id } }, desk.agent.token);
    expect(res.errors?.[0]).toMatchObject({ message: "A sub-issue must be in the same project as its parent.", extensions: { code: "BAD_USER_INPUT", field: "input.parentId" } });
    const webIssue = await createIssue(t, desk.agent.token, { projectId: web.id });
    expect((await reparent(webIssue.id, parent.id)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.parentId" });
  });

  it("limits nesting to three levels, when creating and when moving", async () => {
    const a = await newIssue();
    const b = await newIssue({ parentId: a.id });
    const c = await newIssue({ parentId: b.id });
    const tooDeep = await t.gql(CREATE, { i: { projectId: ops.id, title: "Level four", parentId: c.id } }, desk.agent.token);
    expect(tooDeep.errors?.[0]).toMatchObject({ message: expect.stringMatching(/at most 3 levels/), extensions: { code: "BAD_USER_INPUT", field: "input.parentId" } });
    // Moving a two-level subtree under a sub-issue would make four levels.
    const x = await newIssue();
    await newIssue({ parentId: x.id });
    expect((await reparent(x.id, b.id)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.parentId" });
    // Under a top-level issue it fits.
    expect(ok(await reparent(x.id, a.id), "updateIssue").parent).toEqual({ key: a.key });
  });

  it("refuses cycles and self-parenting", async () => {
    const a = await newIssue();
    const b = await newIssue({ parentId: a.id });
    const self = await reparent(a.id, a.id);
    expect(self.errors?.[0]).toMatchObject({ message: "An issue cannot be its own parent.", extensions: { code: "BAD_USER_INPUT" } });
    const cycle = await reparent(a.id, b.id);
    expect(cycle.errors?.[0]).toMatchObject({ message: expect.stringMatching(/cycle/), extensions: { code: "BAD_USER_INPUT", field: "input.parentId" } });
    expect(ok(await t.gql(TREE, { id: a.id }, desk.agent.token), "issue").parent).toBeNull();
  });

  it("moves an issue to another parent or to the top level, auditing the change", async () => {
    const p1 = await newIssue();
    const p2 = await newIssue();
    const child = await newIssue({ parentId: p1.id });
    expect(ok(await reparent(child.id, p2.id), "updateIssue")).toMatchObject({ parent: { key: p2.key }, version: 2 });
    expect(ok(await reparent(child.id, null), "updateIssue")).toMatchObject({ parent: null, version: 3 });
    const changes = (await auditTrail(t, child.id)).filter((e) => e.action === "ISSUE_UPDATED").map((e) => e.details!.changes.parentId);
    expect(changes).toEqual([
      { from: p1.id, to: p2.id },
      { from: p2.id, to: null },
    ]);
  });

  it("puts no open issue under a closed parent", async () => {
    const done = await newIssue({ assigneeId: desk.agent.id });
    for (const to of ["IN_PROGRESS", "IN_REVIEW", "DONE"]) ok(await t.gql(TRANSITION, { id: done.id, to }, desk.agent.token), "transitionIssue");
    const res = await t.gql(CREATE, { i: { projectId: ops.id, title: "Late", parentId: done.id } }, desk.agent.token);
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/is DONE/), extensions: { code: "BAD_USER_INPUT", field: "input.parentId" } });
    const open = await newIssue();
    expect((await reparent(open.id, done.id)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // A finished issue may be filed under a finished parent.
    const canceled = await newIssue();
    ok(await t.gql(`mutation($id: ID!) { transitionIssue(id: $id, to: CANCELED, reason: "dup") { id } }`, { id: canceled.id }, desk.agent.token), "transitionIssue");
    expect(ok(await reparent(canceled.id, done.id), "updateIssue").parent).toEqual({ key: (await ok<{ key: string }>(await t.gql(TREE, { id: done.id }, desk.agent.token), "issue")).key });
  });

  it("does not let a parent become DONE while a sub-issue is being added at the same moment", async () => {
    for (let round = 0; round < 3; round++) {
      const parent = await newIssue({ assigneeId: desk.agent.id });
      for (const to of ["IN_PROGRESS", "IN_REVIEW"]) ok(await t.gql(TRANSITION, { id: parent.id, to }, desk.agent.token), "transitionIssue");
      const [finish, add] = await Promise.all([
        t.gql(TRANSITION, { id: parent.id, to: "DONE" }, desk.agent.token),
        t.gql(CREATE, { i: { projectId: ops.id, title: "Racing child", parentId: parent.id } }, desk.otherAgent.token),
      ]);
      // Either order is fine, but never both: a DONE parent with an open sub-issue.
      expect(Boolean(finish.data?.transitionIssue) && Boolean(add.data?.createIssue)).toBe(false);
      expect(Boolean(finish.data?.transitionIssue) || Boolean(add.data?.createIssue)).toBe(true);
    }
  });
});

const TREE = `query($id: ID) { issue(id: $id) { key parent { key } subIssues { key parent { key } } } }`;
const CREATE = `mutation($i: CreateIssueInput!) { createIssue(input: $i) { id key } }`;
const UPDATE = `mutation($id: ID!, $p: ID) { updateIssue(id: $id, input: { parentId: $p }) { key version parent { key } } }`;
const TRANSITION = `mutation($id: ID!, $to: IssueStatus!) { transitionIssue(id: $id, to: $to) { id status } }`;
