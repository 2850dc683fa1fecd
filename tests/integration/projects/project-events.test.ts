import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createDesk, createProject, ok, storedEvents, type Desk } from "../issues/desk-fixtures.js";

let t: TestServer;
let desk: Desk;
beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
});
afterAll(() => t?.close());

const PROJECT_EVENTS = ["project.created", "project.updated", "project.archived", "project.unarchived"];

/** The project events about one project, oldest first. */
const eventsOf = (project: { id: string }) => storedEvents(t, { type: PROJECT_EVENTS, targetId: project.id });

/** What every project event carries besides its type, actor and payload: staff-only, about the project. */
const about = (project: { id: string }) => ({
  position: expect.any(Number),
  actorId: desk.admin.id,
  target: { type: "Project", id: project.id },
  refs: { ticketId: null, issueId: null, projectId: project.id, userId: null },
  visibility: "STAFF",
});

describe("project.created", () => {
  it("is recorded once, by the admin, with the key, name and lead", async () => {
    const project = await createProject(t, desk.admin.token, { key: "MADE", name: "Made", leadId: desk.agent.id });
    expect(await eventsOf(project)).toEqual([{ type: "project.created", ...about(project), payload: { key: "MADE", name: "Made", leadId: desk.agent.id } }]);
  });

  it("is not recorded for a refused, invalid or duplicate project, also when admins race for a key", async () => {
    await createProject(t, desk.admin.token, { key: "DUP" });
    const before = (await storedEvents(t, { type: "project.created" })).length;
    expect((await t.gql(CREATE, { i: { key: "AGENTS", name: "Agents'" } }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(CREATE, { i: { key: "bad", name: "Bad" } }, desk.admin.token)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await t.gql(CREATE, { i: { key: "DUP", name: "Again" } }, desk.admin.token)).errors?.[0]?.extensions?.code).toBe("CONFLICT");
    const race = await Promise.all([1, 2, 3].map(() => t.gql(CREATE, { i: { key: "RACE", name: "Race" } }, desk.admin.token)));
    expect(race.filter((r) => r.data?.createProject)).toHaveLength(1);
    const created = await storedEvents(t, { type: "project.created" });
    expect(created.slice(before).map((e) => e.payload.key)).toEqual(["RACE"]);
  });
});

describe("project.updated", () => {
  it("is recorded once per change, with what changed", async () => {
    const project = await createProject(t, desk.admin.token, { key: "UPD", name: "Before" });
    ok(await t.gql(UPDATE, { id: project.id, i: { name: "After", leadId: desk.otherAgent.id } }, desk.admin.token), "updateProject");
    expect((await eventsOf(project)).filter((e) => e.type === "project.updated")).toEqual([
      { type: "project.updated", ...about(project), payload: { changes: { name: { from: "Before", to: "After" }, leadId: { from: desk.admin.id, to: desk.otherAgent.id } } } },
    ]);
  });

  it("is not recorded for an edit that changes nothing, a refused edit or a stale version", async () => {
    const project = await createProject(t, desk.admin.token, { key: "SAME", name: "Same" });
    ok(await t.gql(UPDATE, { id: project.id, i: { name: "Same" } }, desk.admin.token), "updateProject");
    expect((await t.gql(UPDATE, { id: project.id, i: { name: "Agent's" } }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(UPDATE, { id: project.id, i: { leadId: desk.customer.id } }, desk.admin.token)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await t.gql(UPDATE, { id: project.id, i: { name: "Stale" }, v: project.version + 1 }, desk.admin.token)).errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect((await eventsOf(project)).map((e) => e.type)).toEqual(["project.created"]);
  });
});

describe("project.archived and project.unarchived", () => {
  it("are recorded once per real change: archiving twice records one", async () => {
    const project = await createProject(t, desk.admin.token, { key: "ARC" });
    ok(await t.gql(ARCHIVE, { id: project.id }, desk.admin.token), "archiveProject");
    ok(await t.gql(ARCHIVE, { id: project.id }, desk.admin.token), "archiveProject");
    ok(await t.gql(UNARCHIVE, { id: project.id }, desk.admin.token), "unarchiveProject");
    expect(await eventsOf(project)).toEqual([
      { type: "project.created", ...about(project), payload: expect.any(Object) },
      { type: "project.archived", ...about(project), payload: { key: "ARC" } },
      { type: "project.unarchived", ...about(project), payload: { key: "ARC" } },
    ]);
  });

  it("are not recorded when refused or stale", async () => {
    const project = await createProject(t, desk.admin.token, { key: "KEEP" });
    expect((await t.gql(ARCHIVE, { id: project.id }, desk.agent.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(ARCHIVE, { id: project.id, v: project.version + 1 }, desk.admin.token)).errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect((await eventsOf(project)).map((e) => e.type)).toEqual(["project.created"]);
  });
});

const CREATE = `mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateProjectInput!, $v: Int) { updateProject(id: $id, input: $i, expectedVersion: $v) { id version } }`;
const ARCHIVE = `mutation($id: ID!, $v: Int) { archiveProject(id: $id, expectedVersion: $v) { id archived } }`;
const UNARCHIVE = `mutation($id: ID!, $v: Int) { unarchiveProject(id: $id, expectedVersion: $v) { id archived } }`;
