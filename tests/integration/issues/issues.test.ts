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
  ops = await createProject(t, desk.admin.token, { key: "OPS", leadId: desk.otherAgent.id });
  web = await createProject(t, desk.admin.token, { key: "WEB" });
});
afterAll(() => t?.close());

describe("creating issues", () => {
  it("lets an agent create an issue with the project's next key, reported by them", async () => {
    const res = await t.gql(CREATE, { i: { projectId: ops.id, title: "  Rotate the TLS certificates ", description: "# Steps\n\n1. *renew*", priority: "HIGH" } }, desk.agent.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.createIssue).toMatchObject({
      key: "OPS-1",
      number: 1,
      title: "Rotate the TLS certificates",
      description: "# Steps\n\n1. *renew*",
      status: "TODO",
      priority: "HIGH",
      version: 1,
      project: { id: ops.id, key: "OPS" },
      reporter: { id: desk.agent.id },
      assignee: null,
      parent: null,
      subIssues: [],
      linkedTickets: [],
      viewerCanEdit: true,
      viewerCanComment: true,
      allowedTransitions: ["CANCELED"],
    });
    const second = await createIssue(t, desk.admin.token, { projectId: ops.id, assigneeId: desk.agent.id });
    expect(second.key).toBe("OPS-2");
    expect((await createIssue(t, desk.agent.token, { projectId: web.id })).key).toBe("WEB-1");
  });

  it("gives concurrent creates distinct, gap-free keys", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, n) => createIssue(t, n % 2 ? desk.agent.token : desk.otherAgent.token, { projectId: ops.id, title: `Parallel ${n}` })));
    const numbers = results.map((r) => r.number).sort((a, b) => a - b);
    expect(numbers).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(results.map((r) => r.key)).size).toBe(8);
  });

  it("defaults the priority to NORMAL and the description to empty", async () => {
    const res = ok(await t.gql(CREATE, { i: { projectId: web.id, title: "Plain" } }, desk.agent.token), "createIssue");
    expect(res).toMatchObject({ priority: "NORMAL", description: "" });
  });

  it("validates its input, naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ projectId: ops.id, title: "  " }, "input.title"],
      [{ projectId: ops.id, title: "t".repeat(201) }, "input.title"],
      [{ projectId: ops.id, title: "Long", description: "d".repeat(20_001) }, "input.description"],
      [{ projectId: "0190aaaa-0000-7000-8000-000000000000", title: "Nowhere" }, "input.projectId"],
      [{ projectId: ops.id, title: "Customer work", assigneeId: desk.customer.id }, "input.assigneeId"],
      [{ projectId: ops.id, title: "Ghost work", assigneeId: "0190aaaa-0000-7000-8000-000000000000" }, "input.assigneeId"],
      [{ projectId: ops.id, title: "Orphan", parentId: "0190aaaa-0000-7000-8000-000000000000" }, "input.parentId"],
    ];
    for (const [i, field] of cases) {
      const res = await t.gql(CREATE, { i }, desk.agent.token);
      expect(res.errors?.[0]?.extensions, field).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const bad = await t.gql(CREATE, { i: { projectId: ops.id, title: "x", priority: "SOMEDAY" } }, desk.agent.token);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // Nothing half-written: the counter did not move for the refused creates.
    expect((await createIssue(t, desk.agent.token, { projectId: ops.id })).key).toBe("OPS-11");
  });

  it("refuses customers and anonymous callers", async () => {
    expect((await t.gql(CREATE, { i: { projectId: ops.id, title: "Mine" } }, desk.customer.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(CREATE, { i: { projectId: ops.id, title: "Mine" } })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("records ISSUE_CREATED with the facts of the new issue", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: web.id, title: "Audited", priority: "LOW", assigneeId: desk.otherAgent.id });
    expect(await auditTrail(t, issue.id)).toEqual([
      {
        action: "ISSUE_CREATED",
        actorId: desk.agent.id,
        targetType: "Issue",
        targetId: issue.id,
        details: { key: issue.key, projectId: web.id, title: "Audited", priority: "LOW", parentId: null, assigneeId: desk.otherAgent.id },
      },
    ]);
  });
});

describe("reading issues", () => {
  it("finds an issue by id or by key, in any case", async () => {
    const byKey = ok(await t.gql(ISSUE, { key: "ops-1" }, desk.otherAgent.token), "issue");
    expect(byKey.key).toBe("OPS-1");
    expect(ok(await t.gql(ISSUE, { id: byKey.id }, desk.admin.token), "issue")).toEqual({ ...byKey, allowedTransitions: ["CANCELED"] });
    expect((await t.gql(ISSUE, { key: "OPS-999" }, desk.agent.token)).data!.issue).toBeNull();
    expect((await t.gql(ISSUE, {}, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await t.gql(ISSUE, { id: byKey.id, key: "OPS-1" }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("never shows issues to customers, however they ask", async () => {
    for (const doc of [`{ issues { totalCount } }`, `{ issue(key: "OPS-1") { id } }`]) {
      const res = await t.gql(doc, {}, desk.customer.token);
      expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(Object.values(res.data ?? {}).filter((v) => v !== null)).toEqual([]);
      expect((await t.gql(doc)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
  });

  it("counts a project's open issues", async () => {
    const res = await t.gql(`{ projects { nodes { key openIssueCount issues(first: 1) { totalCount } } } }`, {}, desk.agent.token);
    expect(res.data!.projects.nodes).toEqual([
      { key: "OPS", openIssueCount: 11, issues: { totalCount: 11 } },
      { key: "WEB", openIssueCount: 3, issues: { totalCount: 3 } },
    ]);
  });
});

describe("discussing issues", () => {
  it("lets staff comment on an issue and lists the comments oldest first, in pages", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: ops.id, title: "Discussed" });
    for (const [token, body] of [[desk.agent.token, "First thought"], [desk.admin.token, "Second thought"], [desk.otherAgent.token, "Third thought"]] as const) {
      ok(await t.gql(ADD_COMMENT, { i: { subjectId: issue.id, body } }, token), "addComment");
    }
    const first = ok(await t.gql(COMMENTS, { id: issue.id, first: 2 }, desk.agent.token), "issue").comments;
    expect(first).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true }, nodes: [{ body: "First thought", author: { id: desk.agent.id } }, { body: "Second thought" }] });
    const rest = ok(await t.gql(COMMENTS, { id: issue.id, first: 2, after: first.pageInfo.endCursor }, desk.agent.token), "issue").comments;
    expect(rest.nodes.map((c: { body: string }) => c.body)).toEqual(["Third thought"]);
  });

  it("does not let a customer comment on an issue, or learn that it exists", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: ops.id });
    const res = await t.gql(ADD_COMMENT, { i: { subjectId: issue.id, body: "Let me in" } }, desk.customer.token);
    expect(res.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});

describe("updating issues", () => {
  it("changes title, description and priority, bumping the version and auditing the change", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: ops.id, title: "Before" });
    const res = await t.gql(UPDATE, { id: issue.id, i: { title: "After", description: "More words", priority: "URGENT" }, v: issue.version }, desk.otherAgent.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateIssue).toMatchObject({ title: "After", description: "More words", priority: "URGENT", version: 2 });
    const events = await auditTrail(t, issue.id);
    expect(events.at(-1)).toMatchObject({
      action: "ISSUE_UPDATED",
      actorId: desk.otherAgent.id,
      details: { key: issue.key, changes: { title: { from: "Before", to: "After" }, description: { from: 0, to: 10 }, priority: { from: "NORMAL", to: "URGENT" } } },
    });
  });

  it("changes nothing, and records nothing, when nothing differs", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: ops.id, title: "Same" });
    const res = ok(await t.gql(UPDATE, { id: issue.id, i: { title: "Same" } }, desk.agent.token), "updateIssue");
    expect(res.version).toBe(1);
    expect((await auditTrail(t, issue.id)).map((e) => e.action)).toEqual(["ISSUE_CREATED"]);
  });

  it("answers CONFLICT for a stale version and keeps the newer data", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: ops.id, title: "Contended" });
    ok(await t.gql(UPDATE, { id: issue.id, i: { title: "First writer" }, v: 1 }, desk.agent.token), "updateIssue");
    const late = await t.gql(UPDATE, { id: issue.id, i: { title: "Second writer" }, v: 1 }, desk.otherAgent.token);
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", currentVersion: 2 });
    expect(ok(await t.gql(ISSUE, { id: issue.id }, desk.agent.token), "issue").title).toBe("First writer");
  });

  it("lets exactly one of two concurrent writers of the same version win", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: ops.id, title: "Race" });
    const [a, b] = await Promise.all([
      t.gql(UPDATE, { id: issue.id, i: { title: "Writer A" }, v: 1 }, desk.agent.token),
      t.gql(UPDATE, { id: issue.id, i: { title: "Writer B" }, v: 1 }, desk.otherAgent.token),
    ]);
    const winners = [a, b].filter((r) => r.data?.updateIssue);
    expect(winners).toHaveLength(1);
    expect([a, b].find((r) => r.errors)?.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    const now = ok(await t.gql(ISSUE, { id: issue.id }, desk.agent.token), "issue");
    expect(now).toMatchObject({ title: winners[0]!.data!.updateIssue.title, version: 2 });
  });

  it("validates the changes and answers NOT_FOUND for an unknown issue", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: ops.id });
    expect((await t.gql(UPDATE, { id: issue.id, i: { title: "" } }, desk.agent.token)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.title" });
    expect((await t.gql(UPDATE, { id: issue.id, i: { description: "x".repeat(20_001) } }, desk.agent.token)).errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.description",
    });
    expect((await t.gql(UPDATE, { id: "0190aaaa-0000-7000-8000-000000000000", i: { title: "x" } }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect((await t.gql(UPDATE, { id: issue.id, i: { title: "x" } }, desk.customer.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("assigning issues", () => {
  it("assigns to staff, reassigns, unassigns, and audits each change", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: ops.id });
    const a = ok(await t.gql(ASSIGN, { id: issue.id, a: desk.otherAgent.id, v: 1 }, desk.agent.token), "assignIssue");
    expect(a).toMatchObject({ assignee: { id: desk.otherAgent.id, displayName: "Bob Agent" }, version: 2, allowedTransitions: ["IN_PROGRESS", "CANCELED"] });
    const same = ok(await t.gql(ASSIGN, { id: issue.id, a: desk.otherAgent.id }, desk.agent.token), "assignIssue");
    expect(same.version).toBe(2);
    // Once assigned, the issue changes hands through its assignee, the project lead or an admin.
    ok(await t.gql(ASSIGN, { id: issue.id, a: desk.admin.id }, desk.otherAgent.token), "assignIssue");
    const none = ok(await t.gql(ASSIGN, { id: issue.id, a: null }, desk.admin.token), "assignIssue");
    expect(none).toMatchObject({ assignee: null, version: 4 });
    expect((await auditTrail(t, issue.id)).filter((e) => e.action === "ISSUE_ASSIGNED").map((e) => [e.details!.from, e.details!.to])).toEqual([
      [null, desk.otherAgent.id],
      [desk.otherAgent.id, desk.admin.id],
      [desk.admin.id, null],
    ]);
  });

  it("refuses customers and deactivated users as assignees", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: ops.id });
    const res = await t.gql(ASSIGN, { id: issue.id, a: desk.customer.id }, desk.agent.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "assigneeId" });
    const leaver = await t.createUser("AGENT", "Leaver");
    ok(await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: leaver.id }, desk.admin.token), "deactivateUser");
    const gone = await t.gql(ASSIGN, { id: issue.id, a: leaver.id }, desk.agent.token);
    expect(gone.errors?.[0]).toMatchObject({ message: expect.stringMatching(/deactivated/), extensions: { code: "BAD_USER_INPUT", field: "assigneeId" } });
  });

  it("keeps an assignee on an issue that is being worked on", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: ops.id, assigneeId: desk.agent.id });
    ok(await t.gql(TRANSITION, { id: issue.id, to: "IN_PROGRESS" }, desk.agent.token), "transitionIssue");
    const res = await t.gql(ASSIGN, { id: issue.id, a: null }, desk.agent.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "assigneeId" });
    expect(ok(await t.gql(ASSIGN, { id: issue.id, a: desk.otherAgent.id }, desk.agent.token), "assignIssue").assignee.id).toBe(desk.otherAgent.id);
  });

  it("answers CONFLICT for a stale version and FORBIDDEN for customers", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId: ops.id });
    expect((await t.gql(ASSIGN, { id: issue.id, a: desk.agent.id, v: 7 }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect((await t.gql(ASSIGN, { id: issue.id, a: desk.agent.id }, desk.customer.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

const FIELDS = `id key number title description status priority version
  project { id key } reporter { id } assignee { id displayName } parent { id } subIssues { id } linkedTickets { id }
  viewerCanEdit viewerCanComment allowedTransitions`;
const CREATE = `mutation($i: CreateIssueInput!) { createIssue(input: $i) { ${FIELDS} } }`;
const ISSUE = `query($id: ID, $key: String) { issue(id: $id, key: $key) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateIssueInput!, $v: Int) { updateIssue(id: $id, input: $i, expectedVersion: $v) { ${FIELDS} } }`;
const ASSIGN = `mutation($id: ID!, $a: ID, $v: Int) { assignIssue(id: $id, assigneeId: $a, expectedVersion: $v) { ${FIELDS} } }`;
const ADD_COMMENT = `mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`;
const COMMENTS = `query($id: ID, $first: Int, $after: String) { issue(id: $id) { comments(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { body author { id } } } } }`;
const TRANSITION = `mutation($id: ID!, $to: IssueStatus!) { transitionIssue(id: $id, to: $to) { id status } }`;
