import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { code, ok, openTicket, TICKET_LIST } from "../tickets/ticket-helpers.js";

/** Saved views over HTTPS: personal and shared, every role, filters checked at save time, live counts. */
let t: TestServer;
type User = Awaited<ReturnType<TestServer["createUser"]>>;
let admin: User;
let agent: User;
let otherAgent: User;
let customer: User;
let otherCustomer: User;

const FIELDS = `id name shared position version filter orderBy { field direction } count viewerCanEdit owner { id }`;
const LIST = `{ savedViews { ${FIELDS} } }`;
const CREATE = `mutation($i: CreateSavedViewInput!) { createSavedView(input: $i) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateSavedViewInput!, $v: Int) { updateSavedView(id: $id, input: $i, expectedVersion: $v) { ${FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteSavedView(id: $id) }`;
const AUDIT = `query($f: AuditEventFilter) { auditEvents(first: 10, filter: $f) { nodes { action targetId details } } }`;

const create = async (token: string, i: Record<string, unknown>) => ok(await t.gql(CREATE, { i }, token), "createSavedView");
const list = async (token: string) => ok<any[]>(await t.gql(LIST, {}, token), "savedViews");
const totalCount = async (token: string, filter: unknown) => ok(await t.gql(TICKET_LIST, { first: 1, filter }, token), "tickets").totalCount as number;

beforeAll(async () => {
  t = await startTestServer();
  [admin, agent, otherAgent, customer, otherCustomer] = await Promise.all([
    t.createUser("ADMIN", "Ada Admin"),
    t.createUser("AGENT", "Alex Agent"),
    t.createUser("AGENT", "Olga Other"),
    t.createUser("CUSTOMER", "Cora Customer"),
    t.createUser("CUSTOMER", "Otto Other"),
  ]);
  for (const [token, subject, priority] of [
    [customer.token, "VPN drops every hour", "URGENT"],
    [customer.token, "Printer jams", "LOW"],
    [customer.token, "Laptop fan noise", "URGENT"],
    [otherCustomer.token, "Mailbox full", "URGENT"],
  ] as const) {
    await openTicket(t, token, { subject, priority });
  }
});
afterAll(() => t?.close());

describe("personal saved views", () => {
  it("keeps an agent's view to themselves, with the filter and sort as `tickets` takes them and its live count", async () => {
    const filter = { status: ["OPEN"], priority: ["URGENT"], createdAfter: "2000-01-01T00:00:00.000Z" };
    const view = await create(agent.token, { name: "  Urgent   open ", filter, orderBy: { field: "SLA_DUE", direction: "ASC" } });
    expect(view).toMatchObject({ name: "Urgent open", shared: false, viewerCanEdit: true, owner: { id: agent.id }, orderBy: { field: "SLA_DUE", direction: "ASC" } });
    expect(view.filter).toMatchObject({ status: ["OPEN"], priority: ["URGENT"] });
    const expected = await totalCount(agent.token, view.filter);
    expect(expected).toBeGreaterThanOrEqual(3);
    expect(view.count).toBe(expected);

    await openTicket(t, otherCustomer.token, { subject: "Another urgent one", priority: "URGENT" });
    expect((await list(agent.token)).find((v) => v.id === view.id)?.count).toBe(expected + 1);

    expect((await list(otherAgent.token)).map((v) => v.id)).not.toContain(view.id);
    expect(code(await t.gql(UPDATE, { id: view.id, i: { name: "Mine now" } }, otherAgent.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(DELETE, { id: view.id }, admin.token))).toBe("NOT_FOUND");
  });

  it("counts a customer's view over their own tickets only, and never shows them shared views", async () => {
    const view = await create(customer.token, { name: "My urgent", filter: { priority: ["URGENT"] } });
    expect(view.count).toBe(2);
    expect(await create(otherCustomer.token, { name: "My urgent", filter: { priority: ["URGENT"] } })).toMatchObject({ count: 2 });
    await create(admin.token, { name: "Customer-proof shared", shared: true, filter: {} });
    expect((await list(customer.token)).map((v) => v.name)).toEqual(["My urgent"]);
    expect(code(await t.gql(CREATE, { i: { name: "By project", filter: { projectId: "01900000-0000-7000-8000-000000000000" } } }, customer.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(CREATE, { i: { name: "Shared by me", shared: true } }, customer.token))).toBe("FORBIDDEN");
  });

  it("renames, re-filters, moves and deletes one's own view, each audited", async () => {
    const view = await create(otherAgent.token, { name: "Low", filter: { priority: ["LOW"] } });
    const second = await create(otherAgent.token, { name: "Everything" });
    expect(second.position).toBe(view.position + 1);
    expect(second.count).toBe(await totalCount(otherAgent.token, {}));
    const renamed = ok(await t.gql(UPDATE, { id: view.id, i: { name: "Urgent only", filter: { priority: ["URGENT"] }, position: 5 }, v: view.version }, otherAgent.token), "updateSavedView");
    expect(renamed).toMatchObject({ name: "Urgent only", position: 5, version: view.version + 1, filter: { priority: ["URGENT"] } });
    expect(renamed.count).toBe(await totalCount(otherAgent.token, { priority: ["URGENT"] }));
    expect((await list(otherAgent.token)).filter((v) => !v.shared).map((v) => v.name)).toEqual(["Everything", "Urgent only"]);
    expect(code(await t.gql(UPDATE, { id: view.id, i: { name: "Stale" }, v: view.version }, otherAgent.token))).toBe("CONFLICT");
    expect(ok(await t.gql(DELETE, { id: view.id }, otherAgent.token), "deleteSavedView")).toBe(true);
    expect((await list(otherAgent.token)).map((v) => v.id)).not.toContain(view.id);

    const audit = ok(await t.gql(AUDIT, { f: { targetId: view.id } }, admin.token), "auditEvents").nodes.map((n: any) => n.action);
    expect(audit).toEqual(["SAVED_VIEW_DELETED", "SAVED_VIEW_UPDATED", "SAVED_VIEW_CREATED"]);
  });
});

describe("shared saved views", () => {
  it("are created by admins, seen by every agent with counts for that agent, and changed by admins only", async () => {
    const view = await create(admin.token, { name: "Assigned to me", shared: true, filter: { assignee: { me: true } } });
    const ticket = await openTicket(t, customer.token, { subject: "Assign me" });
    ok(await t.gql(`mutation($id: ID!, $a: ID) { assignTicket(id: $id, assigneeId: $a) { id } }`, { id: ticket.id, a: agent.id }, admin.token), "assignTicket");

    const seenByAgent = (await list(agent.token)).find((v) => v.id === view.id);
    expect(seenByAgent).toMatchObject({ shared: true, viewerCanEdit: false, count: 1, owner: { id: admin.id } });
    expect((await list(otherAgent.token)).find((v) => v.id === view.id)?.count).toBe(0);
    const all = await list(agent.token);
    expect(all.findIndex((v) => v.shared)).toBe(0); // shared views come first
    expect(all.findLastIndex((v) => v.shared)).toBeLessThan(all.findIndex((v) => !v.shared));

    expect(code(await t.gql(CREATE, { i: { name: "Team view", shared: true } }, agent.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(UPDATE, { id: view.id, i: { name: "Hijacked" } }, agent.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(DELETE, { id: view.id }, agent.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(DELETE, { id: view.id }, customer.token))).toBe("NOT_FOUND");
    expect(ok(await t.gql(UPDATE, { id: view.id, i: { name: "Mine (assigned)" } }, admin.token), "updateSavedView").name).toBe("Mine (assigned)");
  });

  it("lets an admin share a personal view and unshare it again", async () => {
    const view = await create(admin.token, { name: "Breached", filter: { slaBreached: true } });
    expect((await list(agent.token)).map((v) => v.id)).not.toContain(view.id);
    ok(await t.gql(UPDATE, { id: view.id, i: { shared: true } }, admin.token), "updateSavedView");
    expect((await list(agent.token)).map((v) => v.id)).toContain(view.id);
    expect(code(await t.gql(UPDATE, { id: view.id, i: { shared: false } }, agent.token))).toBe("FORBIDDEN");
    ok(await t.gql(UPDATE, { id: view.id, i: { shared: false } }, admin.token), "updateSavedView");
    expect((await list(agent.token)).map((v) => v.id)).not.toContain(view.id);
  });
});

describe("refusals", () => {
  it("refuses bad filters and names with typed errors naming the field, and writes nothing", async () => {
    const before = (await list(agent.token)).length;
    const bad = async (i: Record<string, unknown>) => (await t.gql(CREATE, { i: { name: "x", ...i } }, agent.token)).errors?.[0]?.extensions;
    expect(await bad({ filter: { assignee: { me: true, unassigned: true } } })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.filter.assignee" });
    expect(await bad({ filter: { requesterId: "not-an-id" } })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.filter.requesterId" });
    expect(await bad({ filter: { createdAfter: "2026-02-01T00:00:00Z", createdBefore: "2026-01-01T00:00:00Z" } })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.filter.createdAfter" });
    expect(await bad({ filter: { search: "x".repeat(201) } })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.filter.search" });
    expect((await bad({ filter: { status: ["DONE"] } }))?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    expect(await bad({ name: "bell\u0007" })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
    expect(await bad({ name: "   " })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
    expect(await bad({ name: "x".repeat(61) })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
    expect(code(await t.gql(UPDATE, { id: (await list(agent.token)).find((v) => !v.shared).id, i: {} }, agent.token))).toBe("BAD_USER_INPUT");
    expect((await list(agent.token)).length).toBe(before);
  });

  it("refuses a second view of the same name in one group, and anonymous callers", async () => {
    await create(agent.token, { name: "Duplicate me" });
    expect(code(await t.gql(CREATE, { i: { name: "duplicate ME" } }, agent.token))).toBe("CONFLICT");
    expect(await create(otherAgent.token, { name: "Duplicate me" })).toMatchObject({ name: "Duplicate me" });
    expect(code(await t.gql(LIST, {}))).toBe("UNAUTHENTICATED");
    expect(code(await t.gql(CREATE, { i: { name: "anon" } }))).toBe("UNAUTHENTICATED");
  });
});
