import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { auditTrail, createDesk, createProject, ok, type Desk } from "../issues/desk-fixtures.js";

let t: TestServer;
let desk: Desk;
beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
});
afterAll(() => t?.close());

describe("creating projects", () => {
  it("lets an admin create a project, led by themselves unless a lead is named", async () => {
    const res = await t.gql(CREATE, { i: { key: "OPS", name: "  Operations ", description: "Keeping the lights on" } }, desk.admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.createProject).toMatchObject({
      key: "OPS",
      name: "Operations",
      description: "Keeping the lights on",
      archived: false,
      archivedAt: null,
      version: 1,
      lead: { id: desk.admin.id },
      openIssueCount: 0,
      viewerCanEdit: true,
      viewerCanComment: true,
      viewerCanCreateIssues: true,
    });
    const led = await t.gql(CREATE, { i: { key: "NET", name: "Network", leadId: desk.agent.id } }, desk.admin.token);
    expect(led.data!.createProject.lead).toEqual({ id: desk.agent.id, displayName: "Alice Agent" });
  });

  it("refuses agents, customers and anonymous callers", async () => {
    for (const [token, code] of [
      [desk.agent.token, "FORBIDDEN"],
      [desk.customer.token, "FORBIDDEN"],
      [null, "UNAUTHENTICATED"],
    ] as const) {
      const res = await t.gql(CREATE, { i: { key: "NOPE", name: "Nope" } }, token);
      expect(res.errors?.[0]?.extensions?.code).toBe(code);
    }
    const list = await t.gql(`{ projects(filter: { search: "NOPE" }) { totalCount } }`, {}, desk.admin.token);
    expect(list.data!.projects.totalCount).toBe(0);
  });

  it.each([["ops"], ["O"], ["OPERATIONSXX"], ["OPS1"], ["OP-S"], [" OPS"], ["ÖPS"], [""]])("rejects the key %j naming the field", async (key) => {
    const res = await t.gql(CREATE, { i: { key, name: "Bad key" } }, desk.admin.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.key" });
  });

  it("answers CONFLICT for a key already taken, also when two admins race for it", async () => {
    const dup = await t.gql(CREATE, { i: { key: "OPS", name: "Again" } }, desk.admin.token);
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.key" });
    const race = await Promise.all([1, 2, 3].map(() => t.gql(CREATE, { i: { key: "RACE", name: "Race" } }, desk.admin.token)));
    expect(race.filter((r) => r.data?.createProject).length).toBe(1);
    expect(race.filter((r) => r.errors?.[0]?.extensions?.code === "CONFLICT").length).toBe(2);
  });

  it("validates the name, description and lead", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ key: "VAL", name: "   " }, "input.name"],
      [{ key: "VAL", name: "x".repeat(101) }, "input.name"],
      [{ key: "VAL", name: "Val", description: "d".repeat(5001) }, "input.description"],
      [{ key: "VAL", name: "Val", leadId: desk.customer.id }, "input.leadId"],
      [{ key: "VAL", name: "Val", leadId: "0190aaaa-0000-7000-8000-000000000000" }, "input.leadId"],
    ];
    for (const [i, field] of cases) {
      const res = await t.gql(CREATE, { i }, desk.admin.token);
      expect(res.errors?.[0]?.extensions, JSON.stringify(i).slice(0, 80)).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
  });

  it("records PROJECT_CREATED in the audit trail", async () => {
    const ops = ok(await t.gql(PROJECT, { key: "OPS" }, desk.admin.token), "project");
    expect(await auditTrail(t, ops.id)).toEqual([
      { action: "PROJECT_CREATED", actorId: desk.admin.id, targetType: "Project", targetId: ops.id, details: { key: "OPS", name: "Operations", leadId: desk.admin.id } },
    ]);
  });
});

describe("reading projects", () => {
  it("finds a project by id or key for staff", async () => {
    const byKey = ok(await t.gql(PROJECT, { key: "ops" }, desk.agent.token), "project");
    const byId = ok(await t.gql(PROJECT, { id: byKey.id }, desk.agent.token), "project");
    expect(byId).toEqual(byKey);
    expect(byKey).toMatchObject({ key: "OPS", viewerCanEdit: false, viewerCanComment: true, viewerCanCreateIssues: true });
    expect((await t.gql(PROJECT, { key: "NOSUCH" }, desk.agent.token)).data!.project).toBeNull();
  });

  it("needs exactly one of id and key", async () => {
    expect((await t.gql(PROJECT, {}, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const both = await t.gql(PROJECT, { id: "x", key: "OPS" }, desk.agent.token);
    expect(both.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("never shows projects to customers", async () => {
    for (const doc of [`{ projects { totalCount } }`, `{ project(key: "OPS") { id } }`]) {
      const res = await t.gql(doc, {}, desk.customer.token);
      expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(Object.values(res.data ?? {}).filter((v) => v !== null)).toEqual([]);
      expect((await t.gql(doc)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
  });

  it("lists by key by default, and by name or creation in either direction", async () => {
    await createProject(t, desk.admin.token, { key: "APP", name: "Zebra apps" });
    const keys = async (orderBy?: unknown) => {
      const res = await t.gql(`query($o: ProjectOrder) { projects(first: 100, orderBy: $o) { nodes { key name } } }`, { o: orderBy }, desk.agent.token);
      return res.data!.projects.nodes.map((p: any) => p.key);
    };
    expect(await keys()).toEqual(["APP", "NET", "OPS", "RACE"]);
    expect(await keys({ field: "KEY", direction: "DESC" })).toEqual(["RACE", "OPS", "NET", "APP"]);
    expect(await keys({ field: "NAME", direction: "ASC" })).toEqual(["NET", "OPS", "RACE", "APP"]);
    expect(await keys({ field: "CREATED_AT", direction: "DESC" })).toEqual(["APP", "RACE", "NET", "OPS"]);
  });

  it("searches keys by prefix and names by any part", async () => {
    const search = async (s: string) =>
      (await t.gql(`query($s: String) { projects(filter: { search: $s }) { nodes { key } } }`, { s }, desk.agent.token)).data!.projects.nodes.map((p: any) => p.key);
    expect(await search("op")).toEqual(["OPS"]);
    expect(await search("zeb")).toEqual(["APP"]);
    expect(await search("work")).toEqual(["NET"]);
    expect(await search("100%")).toEqual([]);
  });

  it("pages forwards and backwards", async () => {
    const first = await t.gql(`{ projects(first: 2) { nodes { key } pageInfo { hasNextPage hasPreviousPage endCursor } totalCount } }`, {}, desk.agent.token);
    expect(first.data!.projects).toMatchObject({ nodes: [{ key: "APP" }, { key: "NET" }], pageInfo: { hasNextPage: true, hasPreviousPage: false }, totalCount: 4 });
    const next = await t.gql(`query($a: String) { projects(first: 2, after: $a) { nodes { key } pageInfo { hasNextPage startCursor } } }`, { a: first.data!.projects.pageInfo.endCursor }, desk.agent.token);
    expect(next.data!.projects.nodes.map((p: any) => p.key)).toEqual(["OPS", "RACE"]);
    expect(next.data!.projects.pageInfo.hasNextPage).toBe(false);
    const back = await t.gql(`query($b: String) { projects(last: 5, before: $b) { nodes { key } pageInfo { hasPreviousPage hasNextPage } } }`, { b: next.data!.projects.pageInfo.startCursor }, desk.agent.token);
    expect(back.data!.projects).toMatchObject({ nodes: [{ key: "APP" }, { key: "NET" }], pageInfo: { hasPreviousPage: false, hasNextPage: true } });
  });
});

describe("changing and archiving projects", () => {
  it("lets an admin rename, describe and re-lead a project, bumping its version", async () => {
    const net = ok(await t.gql(PROJECT, { key: "NET" }, desk.admin.token), "project");
    const res = await t.gql(UPDATE, { id: net.id, i: { name: "Networking", description: "", leadId: desk.otherAgent.id }, v: net.version }, desk.admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateProject).toMatchObject({ key: "NET", name: "Networking", description: null, lead: { id: desk.otherAgent.id }, version: net.version + 1 });
    const audit = (await auditTrail(t, net.id)).filter((e) => e.action === "PROJECT_UPDATED");
    expect(audit[0]!.details!.changes).toEqual({
      name: { from: "Network", to: "Networking" },
      leadId: { from: desk.agent.id, to: desk.otherAgent.id },
    });
  });

  it("answers CONFLICT for a stale expectedVersion and keeps the newer data", async () => {
    const net = ok(await t.gql(PROJECT, { key: "NET" }, desk.admin.token), "project");
    const stale = await t.gql(UPDATE, { id: net.id, i: { name: "Old news" }, v: net.version - 1 }, desk.admin.token);
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", currentVersion: net.version });
    expect(ok(await t.gql(PROJECT, { key: "NET" }, desk.admin.token), "project").name).toBe("Networking");
  });

  it("lets only admins update or archive", async () => {
    const net = ok(await t.gql(PROJECT, { key: "NET" }, desk.admin.token), "project");
    for (const token of [desk.agent.token, desk.customer.token]) {
      expect((await t.gql(UPDATE, { id: net.id, i: { name: "Mine" } }, token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect((await t.gql(ARCHIVE, { id: net.id }, token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    expect((await t.gql(UPDATE, { id: "0190aaaa-0000-7000-8000-000000000000", i: { name: "Ghost" } }, desk.admin.token)).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("archives idempotently, hides archived projects on request and takes no new issues", async () => {
    const race = ok(await t.gql(PROJECT, { key: "RACE" }, desk.admin.token), "project");
    const archived = ok(await t.gql(ARCHIVE, { id: race.id }, desk.admin.token), "archiveProject");
    expect(archived).toMatchObject({ archived: true, version: race.version + 1, viewerCanCreateIssues: false });
    expect(archived.archivedAt).toEqual(expect.any(String));
    const again = ok(await t.gql(ARCHIVE, { id: race.id }, desk.admin.token), "archiveProject");
    expect(again.version).toBe(archived.version);

    const active = await t.gql(`{ projects(filter: { archived: false }) { nodes { key } } }`, {}, desk.agent.token);
    expect(active.data!.projects.nodes.map((p: any) => p.key)).not.toContain("RACE");
    const onlyArchived = await t.gql(`{ projects(filter: { archived: true }) { nodes { key } } }`, {}, desk.agent.token);
    expect(onlyArchived.data!.projects.nodes.map((p: any) => p.key)).toEqual(["RACE"]);

    const issue = await t.gql(`mutation($i: CreateIssueInput!) { createIssue(input: $i) { id } }`, { i: { projectId: race.id, title: "Too late" } }, desk.agent.token);
    expect(issue.errors?.[0]).toMatchObject({ message: expect.stringMatching(/archived/), extensions: { code: "CONFLICT", field: "input.projectId" } });

    const back = ok(await t.gql(`mutation($id: ID!) { unarchiveProject(id: $id) { archived viewerCanCreateIssues } }`, { id: race.id }, desk.admin.token), "unarchiveProject");
    expect(back).toEqual({ archived: false, viewerCanCreateIssues: true });
    expect((await auditTrail(t, race.id)).map((e) => e.action)).toEqual(["PROJECT_CREATED", "PROJECT_ARCHIVED", "PROJECT_UNARCHIVED"]);
  });
});

const FIELDS = `id key name description archived archivedAt version lead { id displayName } openIssueCount viewerCanEdit viewerCanComment viewerCanCreateIssues`;
const CREATE = `mutation($i: CreateProjectInput!) { createProject(input: $i) { ${FIELDS} } }`;
const PROJECT = `query($id: ID, $key: String) { project(id: $id, key: $key) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateProjectInput!, $v: Int) { updateProject(id: $id, input: $i, expectedVersion: $v) { ${FIELDS} } }`;
const ARCHIVE = `mutation($id: ID!) { archiveProject(id: $id) { ${FIELDS} } }`;
