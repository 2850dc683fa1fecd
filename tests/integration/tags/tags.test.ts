import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { auditTrail, createDesk, createIssue, createProject, fewestStatements, ok, storedEvents, type Desk } from "../issues/desk-fixtures.js";

let t: TestServer;
let desk: Desk;
let projectId: string;

beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  projectId = (await createProject(t, desk.admin.token, { key: "TAG" })).id;
});
afterAll(() => t?.close());

const openTicket = async (subject = "VPN drops"): Promise<{ id: string; number: number; version: number }> =>
  ok(await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number version } }`, { i: { subject, description: "Hourly." } }, desk.customer.token), "createTicket");
const code = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions?.code;

describe("tags on tickets (TAGS_MODE=free)", () => {
  it("lets an agent set tags, creating new ones, case-insensitively unique, and bumps the ticket's version", async () => {
    const ticket = await openTicket();
    const set = ok(await t.gql(SET, { id: ticket.id, tags: ["VPN", " Network  outage ", "vpn"], v: ticket.version }, desk.agent.token), "setTicketTags");
    expect(set.added).toEqual(["Network outage", "VPN"]);
    expect(set.ticket.tags.map((g: { name: string }) => g.name)).toEqual(["Network outage", "VPN"]);
    expect(set.ticket.version).toBeGreaterThan(ticket.version);
    // another spelling of an existing tag reuses it
    const other = await openTicket();
    const again = ok(await t.gql(SET, { id: other.id, tags: ["vpn"] }, desk.otherAgent.token), "setTicketTags");
    expect(again.ticket.tags.map((g: { name: string }) => g.name)).toEqual(["VPN"]);
    const listed = ok<{ name: string }[]>(await t.gql(`{ tags(search: "vp") { name } }`, {}, desk.agent.token), "tags");
    expect(listed.map((g) => g.name)).toEqual(["VPN"]);
  });

  it("adds and removes tags; what it has already changes nothing and raises nothing", async () => {
    const ticket = await openTicket();
    ok(await t.gql(CHANGE, { id: ticket.id, add: ["billing", "urgent-customer"], remove: [] }, desk.agent.token), "changeTicketTags");
    const changed = ok(await t.gql(CHANGE, { id: ticket.id, add: ["Billing"], remove: ["urgent-customer"] }, desk.agent.token), "changeTicketTags");
    expect(changed).toMatchObject({ added: [], removed: ["urgent-customer"] });
    const none = ok(await t.gql(CHANGE, { id: ticket.id, add: [], remove: ["not-there"] }, desk.agent.token), "changeTicketTags");
    expect(none).toMatchObject({ added: [], removed: [] });
    const events = await storedEvents(t, { type: "ticket.tags_changed", targetId: ticket.id });
    expect(events.map((e) => e.payload)).toEqual([
      { added: ["billing", "urgent-customer"], removed: [], tags: ["billing", "urgent-customer"] },
      { added: [], removed: ["urgent-customer"], tags: ["billing"] },
    ]);
    expect(events.every((e) => e.visibility === "STAFF")).toBe(true);
    const trail = await auditTrail(t, ticket.id);
    expect(trail.filter((a) => a.action === "TICKET_TAGS_CHANGED")).toHaveLength(2);
  });

  it("answers CONFLICT on a stale expectedVersion and changes nothing", async () => {
    const ticket = await openTicket();
    ok(await t.gql(SET, { id: ticket.id, tags: ["first"], v: ticket.version }, desk.agent.token), "setTicketTags");
    const stale = await t.gql(SET, { id: ticket.id, tags: ["second"], v: ticket.version }, desk.otherAgent.token);
    expect(code(stale)).toBe("CONFLICT");
    const now = ok(await t.gql(TICKET_TAGS, { id: ticket.id }, desk.agent.token), "ticket");
    expect(now.tags.map((g: { name: string }) => g.name)).toEqual(["first"]);
  });

  it("refuses bad names with BAD_USER_INPUT naming the field", async () => {
    const ticket = await openTicket();
    for (const bad of ["", "a,b", "ring\u0007", "x".repeat(51)]) {
      const res = await t.gql(SET, { id: ticket.id, tags: [bad] }, desk.agent.token);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "tags.0" });
    }
  });

  it("keeps tags from customers: no field, no filter, no mutation", async () => {
    const ticket = await openTicket();
    expect(code(await t.gql(TICKET_TAGS, { id: ticket.id }, desk.customer.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(SET, { id: ticket.id, tags: ["mine"] }, desk.customer.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(`{ tags { name } }`, {}, desk.customer.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(FILTER, { tags: ["vpn"] }, desk.customer.token))).toBe("FORBIDDEN");
  });

  it("filters the queue by any of the tags", async () => {
    const [a, b, c] = [await openTicket("filter a"), await openTicket("filter b"), await openTicket("filter c")];
    ok(await t.gql(SET, { id: a.id, tags: ["flt-one"] }, desk.agent.token), "setTicketTags");
    ok(await t.gql(SET, { id: b.id, tags: ["FLT-two", "other"] }, desk.agent.token), "setTicketTags");
    ok(await t.gql(SET, { id: c.id, tags: ["other"] }, desk.agent.token), "setTicketTags");
    const found = ok(await t.gql(FILTER, { tags: ["flt-one", "flt-TWO"] }, desk.agent.token), "tickets");
    expect(found.nodes.map((n: { id: string }) => n.id).sort()).toEqual([a.id, b.id].sort());
    expect(found.totalCount).toBe(2);
    expect(ok(await t.gql(FILTER, { tags: [] }, desk.agent.token), "tickets").totalCount).toBe(0);
  });

  it("reads a page of tickets' tags in a fixed number of statements", async () => {
    for (let i = 0; i < 3; i++) ok(await t.gql(SET, { id: (await openTicket(`n+1 ${i}`)).id, tags: ["nplus"] }, desk.agent.token), "setTicketTags");
    const q = `query($n: Int) { tickets(first: $n) { nodes { id tags { name } } } }`;
    const few = await fewestStatements(t, q, { n: 2 }, desk.agent.token);
    const many = await fewestStatements(t, q, { n: 20 }, desk.agent.token);
    expect(many).toBe(few);
  });
});

describe("the tag vocabulary", () => {
  it("is kept by admins: create, rename (CONFLICT on a taken name), delete everywhere", async () => {
    const tag = ok(await t.gql(`mutation { createTag(name: "Hardware") { id name version } }`, {}, desk.admin.token), "createTag");
    expect(code(await t.gql(`mutation { createTag(name: "hardware") { id } }`, {}, desk.admin.token))).toBe("CONFLICT");
    expect(code(await t.gql(`mutation { createTag(name: "Agents cannot") { id } }`, {}, desk.agent.token))).toBe("FORBIDDEN");
    ok(await t.gql(`mutation { createTag(name: "Software") { id } }`, {}, desk.admin.token), "createTag");
    expect(code(await t.gql(RENAME, { id: tag.id, name: "SOFTWARE", v: tag.version }, desk.admin.token))).toBe("CONFLICT");
    expect(code(await t.gql(RENAME, { id: tag.id, name: "Devices", v: tag.version }, desk.agent.token))).toBe("FORBIDDEN");
    const ticket = await openTicket();
    ok(await t.gql(SET, { id: ticket.id, tags: ["hardware"] }, desk.agent.token), "setTicketTags");
    const renamed = ok(await t.gql(RENAME, { id: tag.id, name: "Devices", v: tag.version }, desk.admin.token), "renameTag");
    expect(renamed.name).toBe("Devices");
    expect(ok(await t.gql(TICKET_TAGS, { id: ticket.id }, desk.agent.token), "ticket").tags.map((g: { name: string }) => g.name)).toEqual(["Devices"]);
    expect(ok(await t.gql(`mutation($id: ID!) { deleteTag(id: $id) }`, { id: tag.id }, desk.admin.token), "deleteTag")).toBe(true);
    expect(ok(await t.gql(TICKET_TAGS, { id: ticket.id }, desk.agent.token), "ticket").tags).toEqual([]);
    expect((await auditTrail(t, tag.id)).map((a) => a.action)).toEqual(["TAG_CREATED", "TAG_RENAMED", "TAG_DELETED"]);
    expect((await storedEvents(t, { type: "tag.deleted", targetId: tag.id }))[0]!.payload).toEqual({ name: "Devices", tickets: 1, issues: 0 });
  });
});

describe("tags on issues", () => {
  it("are set by staff, filtered by, and evented on the issue", async () => {
    const issue = await createIssue(t, desk.agent.token, { projectId, title: "Firmware" });
    const other = await createIssue(t, desk.agent.token, { projectId, title: "Other" });
    const set = ok(await t.gql(SET_ISSUE, { id: issue.id, tags: ["Firmware", "q3"], v: issue.version }, desk.agent.token), "setIssueTags");
    expect(set.issue.tags.map((g: { name: string }) => g.name)).toEqual(["Firmware", "q3"]);
    ok(await t.gql(`mutation($id: ID!) { changeIssueTags(issueId: $id, add: ["q4"]) { added } }`, { id: other.id }, desk.otherAgent.token), "changeIssueTags");
    const found = ok(await t.gql(`query($tags: [String!]) { issues(filter: { tags: $tags }) { nodes { id } totalCount } }`, { tags: ["FIRMWARE"] }, desk.agent.token), "issues");
    expect(found.nodes.map((n: { id: string }) => n.id)).toEqual([issue.id]);
    expect(found.totalCount).toBe(1);
    const [event] = await storedEvents(t, { type: "issue.tags_changed", targetId: issue.id });
    expect(event).toMatchObject({ visibility: "STAFF", refs: { issueId: issue.id, projectId }, payload: { key: issue.key, added: ["Firmware", "q3"], removed: [] } });
    expect(code(await t.gql(SET_ISSUE, { id: issue.id, tags: ["x"] }, desk.customer.token))).toBe("FORBIDDEN");
  });
});

describe("API tokens", () => {
  it("need tickets:write to tag a ticket", async () => {
    const ticket = await openTicket();
    const token = async (scopes: string[]) =>
      ok<{ token: string }>(await t.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`, { i: { name: scopes.join(" "), scopes, expiresAt: new Date(Date.now() + 86_400_000).toISOString() } }, desk.agent.token), "createApiToken").token;
    const readOnly = await token(["TICKETS_READ"]);
    expect(code(await t.gql(SET, { id: ticket.id, tags: ["api"] }, readOnly))).toBe("FORBIDDEN");
    const writer = await token(["TICKETS_WRITE"]);
    expect(ok(await t.gql(SET, { id: ticket.id, tags: ["api"] }, writer), "setTicketTags").added).toEqual(["api"]);
  });
});

const SET = `mutation($id: ID!, $tags: [String!]!, $v: Int) { setTicketTags(ticketId: $id, tags: $tags, expectedVersion: $v) { added removed ticket { id version tags { name } } } }`;
const CHANGE = `mutation($id: ID!, $add: [String!]!, $remove: [String!]!) { changeTicketTags(ticketId: $id, add: $add, remove: $remove) { added removed } }`;
const TICKET_TAGS = `query($id: ID!) { ticket(id: $id) { id tags { name } } }`;
const FILTER = `query($tags: [String!]) { tickets(first: 50, filter: { tags: $tags }) { nodes { id } totalCount } }`;
const RENAME = `mutation($id: ID!, $name: String!, $v: Int) { renameTag(id: $id, name: $name, expectedVersion: $v) { id name } }`;
const SET_ISSUE = `mutation($id: ID!, $tags: [String!]!, $v: Int) { setIssueTags(issueId: $id, tags: $tags, expectedVersion: $v) { added issue { id tags { name } } } }`;
