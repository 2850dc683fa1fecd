import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type GraphQLResult, type TestServer } from "../../support/server.js";
import { createDesk, createIssue, createProject, fewestStatements, statementsFor, type Desk, type IssueRef } from "./desk-fixtures.js";

let t: TestServer;
let desk: Desk;
let ops: { id: string };
let web: { id: string };
/** OPS issues in creation order. */
const opsIssues: IssueRef[] = [];
const PRIORITIES = ["LOW", "NORMAL", "HIGH", "URGENT"];

beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  ops = await createProject(t, desk.admin.token, { key: "OPS" });
  web = await createProject(t, desk.admin.token, { key: "WEB" });
  // 12 OPS issues: priorities cycle, every third assigned to agent, every fourth to otherAgent.
  for (let n = 0; n < 12; n++) {
    const assigneeId = n % 3 === 0 ? desk.agent.id : n % 4 === 0 ? desk.otherAgent.id : undefined;
    opsIssues.push(await createIssue(t, desk.agent.token, { projectId: ops.id, title: `Ops task ${n}${n === 5 ? " (database 100% full)" : ""}`, priority: PRIORITIES[n % 4], assigneeId }));
  }
  for (let n = 0; n < 3; n++) await createIssue(t, desk.otherAgent.token, { projectId: web.id, title: `Web task ${n}` });
});
afterAll(() => t?.close());

async function keys(variables: Record<string, unknown>, token = desk.agent.token): Promise<string[]> {
  const res = await t.gql(LIST, variables, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.issues.nodes.map((n: { key: string }) => n.key);
}

const opsKeys = (numbers: number[]) => numbers.map((n) => `OPS-${n}`);

describe("paging through issues", () => {
  it("pages forwards, newest first, while new issues arrive in between", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let page = 0;
    for (;;) {
      const res: GraphQLResult = await t.gql(PAGE, { f: { projectId: ops.id }, first: 5, after }, desk.agent.token);
      const conn = res.data!.issues as { nodes: { key: string }[]; totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string } };
      seen.push(...conn.nodes.map((n: { key: string }) => n.key));
      expect(conn.totalCount).toBe(12 + Math.min(page, 1));
      expect(conn.pageInfo.hasPreviousPage).toBe(page > 0);
      if (page++ === 0) await createIssue(t, desk.agent.token, { projectId: ops.id, title: "Arrived while paging" });
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    // The issue created mid-way is newer than the cursor, so it is not in later pages; nothing repeats or goes missing.
    expect(seen).toEqual(opsKeys([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]));
    expect(await keys({ f: { projectId: ops.id }, first: 1 })).toEqual(["OPS-13"]);
  });

  it("pages backwards from the end of an oldest-first list while new issues arrive", async () => {
    const order = { field: "CREATED_AT", direction: "ASC" };
    const last = await t.gql(PAGE, { f: { projectId: ops.id }, o: order, last: 4 }, desk.agent.token);
    expect(last.data!.issues.nodes.map((n: { key: string }) => n.key)).toEqual(opsKeys([10, 11, 12, 13]));
    expect(last.data!.issues.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    await createIssue(t, desk.agent.token, { projectId: ops.id, title: "Arrived at the end" });
    const before = await t.gql(PAGE, { f: { projectId: ops.id }, o: order, last: 4, before: last.data!.issues.pageInfo.startCursor }, desk.agent.token);
    expect(before.data!.issues.nodes.map((n: { key: string }) => n.key)).toEqual(opsKeys([6, 7, 8, 9]));
    expect(before.data!.issues.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    // Forwards from the old last page's end now finds the newcomer.
    const after = await t.gql(PAGE, { f: { projectId: ops.id }, o: order, first: 4, after: last.data!.issues.pageInfo.endCursor }, desk.agent.token);
    expect(after.data!.issues.nodes.map((n: { key: string }) => n.key)).toEqual(["OPS-14"]);
  });

  it("refuses bad paging arguments and cursors of another ordering", async () => {
    const first = await t.gql(PAGE, { first: 2 }, desk.agent.token);
    const cursor = first.data!.issues.pageInfo.endCursor;
    const cases: [Record<string, unknown>, string][] = [
      [{ first: 2, last: 2 }, "BAD_USER_INPUT"],
      [{ first: 101 }, "BAD_USER_INPUT"],
      [{ first: 0 }, "BAD_USER_INPUT"],
      [{ first: 2, after: "not-a-cursor" }, "BAD_USER_INPUT"],
      [{ first: 2, after: cursor, o: { field: "PRIORITY", direction: "DESC" } }, "BAD_USER_INPUT"],
    ];
    for (const [variables, code] of cases) {
      expect((await t.gql(PAGE, variables, desk.agent.token)).errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe(code);
    }
  });
});

describe("ordering issues", () => {
  it("orders by priority rank (not by the enum's name), ties by creation", async () => {
    const res = await t.gql(`query($f: IssueFilter, $o: IssueOrder) { issues(first: 100, filter: $f, orderBy: $o) { nodes { key priority } } }`, { f: { projectId: ops.id, createdBefore: new Date(Date.now() + 60_000).toISOString() }, o: { field: "PRIORITY", direction: "DESC" } }, desk.agent.token);
    const nodes = res.data!.issues.nodes as { key: string; priority: string }[];
    const ranks = nodes.map((n) => PRIORITIES.indexOf(n.priority));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(nodes.filter((n) => n.priority === "URGENT").map((n) => n.key)).toEqual(opsKeys([12, 8, 4]));
    // Paging through the priority order joins up exactly.
    const firstHalf = await t.gql(PAGE, { f: { projectId: ops.id }, o: { field: "PRIORITY", direction: "DESC" }, first: 7 }, desk.agent.token);
    const rest = await keys({ f: { projectId: ops.id }, o: { field: "PRIORITY", direction: "DESC" }, first: 50, after: firstHalf.data!.issues.pageInfo.endCursor });
    expect([...firstHalf.data!.issues.nodes.map((n: { key: string }) => n.key), ...rest]).toEqual(nodes.map((n) => n.key));
  });

  it("orders by last change", async () => {
    await t.gql(`mutation($id: ID!) { updateIssue(id: $id, input: { title: "Touched" }) { id } }`, { id: opsIssues[2]!.id }, desk.agent.token);
    expect((await keys({ f: { projectId: ops.id }, o: { field: "UPDATED_AT", direction: "DESC" }, first: 1 }))).toEqual(["OPS-3"]);
    expect((await keys({ f: { projectId: ops.id }, o: { field: "UPDATED_AT", direction: "ASC" }, first: 1 }))).toEqual(["OPS-1"]);
  });
});

describe("filtering issues", () => {
  it("filters by project, status and priority", async () => {
    expect(await keys({ f: { projectId: web.id } })).toEqual(["WEB-3", "WEB-2", "WEB-1"]);
    expect(await keys({ f: { projectId: ops.id, priority: ["URGENT", "HIGH"] }, first: 100 })).toEqual(opsKeys([12, 11, 8, 7, 4, 3]));
    await t.gql(`mutation($id: ID!) { transitionIssue(id: $id, to: CANCELED, reason: "dup") { id } }`, { id: opsIssues[0]!.id }, desk.agent.token);
    expect(await keys({ f: { status: ["CANCELED"] } })).toEqual(["OPS-1"]);
    expect((await keys({ f: { projectId: ops.id, status: ["TODO", "IN_PROGRESS"] }, first: 100 })).length).toBe(13);
  });

  it("filters by assignee: a user, nobody, or the viewer", async () => {
    expect(await keys({ f: { assignee: { userId: desk.agent.id } }, first: 100 })).toEqual(opsKeys([10, 7, 4, 1]));
    expect(await keys({ f: { assignee: { me: true } }, first: 100 }, desk.otherAgent.token)).toEqual(opsKeys([9, 5]));
    expect(await keys({ f: { projectId: ops.id, assignee: { unassigned: true } }, first: 100 })).toEqual(opsKeys([14, 13, 12, 11, 8, 6, 3, 2]));
    expect((await keys({ f: { projectId: ops.id, assignee: { unassigned: false } }, first: 100 })).length).toBe(6);
    const both = await t.gql(LIST, { f: { assignee: { me: true, unassigned: true } } }, desk.agent.token);
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.assignee" });
  });

  it("filters by parent", async () => {
    const parent = opsIssues[1]!;
    const child = await createIssue(t, desk.agent.token, { projectId: ops.id, parentId: parent.id, title: "Child" });
    expect(await keys({ f: { parentId: parent.id } })).toEqual([child.key]);
    expect(await keys({ f: { parentId: opsIssues[3]!.id } })).toEqual([]);
  });

  it("filters by creation and change times", async () => {
    const cut = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const fresh = await createIssue(t, desk.agent.token, { projectId: web.id, title: "Fresh" });
    expect(await keys({ f: { createdAfter: cut.toISOString() } })).toEqual([fresh.key]);
    expect(await keys({ f: { projectId: web.id, createdBefore: cut.toISOString() } })).toEqual(["WEB-3", "WEB-2", "WEB-1"]);
    expect(await keys({ f: { updatedAfter: cut.toISOString() } })).toEqual([fresh.key]);
  });

  it("searches titles by any part and keys exactly, with LIKE wildcards taken literally", async () => {
    expect(await keys({ f: { search: "ops task 1" }, first: 100 })).toEqual(opsKeys([12, 11, 2]));
    expect(await keys({ f: { search: "web-2" } })).toEqual(["WEB-2"]);
    expect(await keys({ f: { search: "100%" } })).toEqual(["OPS-6"]);
    expect(await keys({ f: { search: "_" } })).toEqual([]);
    expect((await t.gql(LIST, { f: { search: "x".repeat(101) } }, desk.agent.token)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.search" });
  });

  it("scopes Project.issues to the project, with the same filters", async () => {
    const res = await t.gql(`query($id: ID) { project(id: $id) { issues(first: 100, filter: { priority: [URGENT] }) { totalCount nodes { key } } } }`, { id: ops.id }, desk.agent.token);
    expect(res.data!.project.issues).toEqual({ totalCount: 3, nodes: opsKeys([12, 8, 4]).map((key) => ({ key })) });
    const other = await t.gql(`query($id: ID, $web: ID) { project(id: $id) { issues(filter: { projectId: $web }) { totalCount } } }`, { id: ops.id, web: web.id }, desk.agent.token);
    expect(other.data!.project.issues.totalCount).toBe(0);
  });
});

describe("the cost of a page", () => {
  it("sends the same number of statements for 10 and for 50 issues with their relations", async () => {
    while ((await t.gql(`{ issues { totalCount } }`, {}, desk.agent.token)).data!.issues.totalCount < 55) {
      await Promise.all(Array.from({ length: 8 }, (_, n) => createIssue(t, desk.agent.token, { projectId: n % 2 ? ops.id : web.id, assigneeId: n % 3 ? desk.otherAgent.id : undefined, parentId: n === 1 ? opsIssues[4]!.id : undefined })));
    }
    const { result } = await statementsFor(t, RICH, { first: 50 }, desk.agent.token);
    expect(result.errors).toBeUndefined();
    expect(result.data!.issues.edges).toHaveLength(50);
    // 10, not 5: issues are created in parallel batches of 8 with one sub-issue each, so any 10
    // newest issues include a sub-issue (whose parent loader adds a statement) like the 50 do.
    const small = await fewestStatements(t, RICH, { first: 10 }, desk.agent.token);
    const large = await fewestStatements(t, RICH, { first: 50 }, desk.agent.token);
    console.log(`statements for a page of issues with relations: ${small} (10 issues), ${large} (50 issues)`);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(14);
  });
});

const LIST = `query($f: IssueFilter, $o: IssueOrder, $first: Int, $after: String) { issues(first: $first, after: $after, filter: $f, orderBy: $o) { nodes { key } } }`;
const PAGE = `query($f: IssueFilter, $o: IssueOrder, $first: Int, $after: String, $last: Int, $before: String) {
  issues(first: $first, after: $after, last: $last, before: $before, filter: $f, orderBy: $o) {
    nodes { key } totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const RICH = `query($first: Int) { issues(first: $first) { totalCount edges { cursor node {
  key status priority allowedTransitions viewerCanEdit
  project { key openIssueCount lead { displayName } } reporter { displayName } assignee { displayName }
  parent { key } subIssues { key } linkedTickets { id } comments(first: 3) { totalCount nodes { body author { displayName } } }
} } } }`;
