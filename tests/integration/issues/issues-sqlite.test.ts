import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createDesk, createIssue, createProject, ok, type Desk } from "./desk-fixtures.js";

/** The embedded (SQLite) database has no row locks; its serialized writers must give the same guarantees. */
let t: TestServer;
let desk: Desk;
let project: { id: string };
beforeAll(async () => {
  t = await startTestServer({ embedded: true });
  desk = await createDesk(t);
  project = await createProject(t, desk.admin.token, { key: "OPS" });
});
afterAll(() => t?.close());

describe("issues on the embedded database", () => {
  it("gives concurrent creates distinct, gap-free keys", async () => {
    const created = await Promise.all(Array.from({ length: 6 }, (_, n) => createIssue(t, desk.agent.token, { projectId: project.id, title: `Parallel ${n}` })));
    expect(created.map((i) => i.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("lets one of two concurrent transitions win and answers CONFLICT to the other", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id, assigneeId: desk.agent.id });
    const results = await Promise.all([
      t.gql(TRANSITION, { id: issue.id, to: "IN_PROGRESS", v: 1 }, desk.agent.token),
      t.gql(TRANSITION, { id: issue.id, to: "CANCELED", reason: "dup", v: 1 }, desk.otherAgent.token),
    ]);
    expect(results.filter((r) => r.data?.transitionIssue)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === "CONFLICT")).toHaveLength(1);
  });

  it("lists, counts and filters like on MariaDB", async () => {
    const res = ok(await t.gql(`{ project(key: "OPS") { openIssueCount issues(first: 3, filter: { search: "parallel" }) { totalCount nodes { key allowedTransitions } } } }`, {}, desk.agent.token), "project");
    expect(res.openIssueCount).toBeGreaterThanOrEqual(6);
    expect(res.issues.totalCount).toBe(6);
    expect(res.issues.nodes[0].allowedTransitions).toEqual(["CANCELED"]);
  });

  it("refuses new issues in an archived project", async () => {
    ok(await t.gql(`mutation($id: ID!) { archiveProject(id: $id) { archived } }`, { id: project.id }, desk.admin.token), "archiveProject");
    const res = await t.gql(`mutation($i: CreateIssueInput!) { createIssue(input: $i) { id } }`, { i: { projectId: project.id, title: "Late" } }, desk.agent.token);
    expect(res.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  });
});

const TRANSITION = `mutation($id: ID!, $to: IssueStatus!, $reason: String, $v: Int) { transitionIssue(id: $id, to: $to, reason: $reason, expectedVersion: $v) { status } }`;
