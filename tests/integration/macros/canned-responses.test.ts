import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { auditTrail, createDesk, ok, type Desk } from "../issues/desk-fixtures.js";

let t: TestServer;
let desk: Desk;
let ticket: { id: string; number: number };

beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  ticket = ok(await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number } }`, { i: { subject: "Printer on fire", description: "Really." } }, desk.customer.token), "createTicket");
});
afterAll(() => t?.close());

const code = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions?.code;
const create = (input: Record<string, unknown>, token: string) => t.gql(CREATE, { i: input }, token);

describe("canned responses", () => {
  it("fill their placeholders for the ticket and the agent inserting them", async () => {
    const canned = ok(await create({ title: "Greeting", body: "Hello {{requester.name}}, about {{ ticket.reference }} ({{ticket.subject}}): {{agent.name}} here." }, desk.agent.token), "createCannedResponse");
    const rendered = ok(await t.gql(RENDER, { id: canned.id, ticket: ticket.id }, desk.agent.token), "renderCannedResponse");
    expect(rendered).toEqual({ title: "Greeting", body: `Hello Carol Customer, about #${ticket.number} (Printer on fire): Alice Agent here.` });
  });

  it("refuse unknown placeholders when saved, listing them", async () => {
    const res = await create({ title: "Typo", body: "Hi {{requester.nmae}} and {{who}}" }, desk.agent.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.body", unknownPlaceholders: ["requester.nmae", "who"] });
  });

  it("keep personal ones to their owner", async () => {
    const mine = ok(await create({ title: "Alice only", body: "Private" }, desk.agent.token), "createCannedResponse");
    const listed = (token: string) => t.gql(`{ cannedResponses { id } }`, {}, token).then((r) => ok<{ id: string }[]>(r, "cannedResponses").map((c) => c.id));
    expect(await listed(desk.agent.token)).toContain(mine.id);
    expect(await listed(desk.otherAgent.token)).not.toContain(mine.id);
    expect(code(await t.gql(RENDER, { id: mine.id, ticket: ticket.id }, desk.otherAgent.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(UPDATE, { id: mine.id, i: { title: "Bob's now", body: "x" } }, desk.otherAgent.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(UPDATE, { id: mine.id, i: { title: "Shared now", body: "x", shared: true } }, desk.agent.token))).toBe("FORBIDDEN");
    expect(ok(await t.gql(UPDATE, { id: mine.id, i: { title: "Alice still", body: "Private {{agent.email}}" }, v: mine.version }, desk.agent.token), "updateCannedResponse").title).toBe("Alice still");
    expect(ok(await t.gql(`mutation($id: ID!) { deleteCannedResponse(id: $id) }`, { id: mine.id }, desk.agent.token), "deleteCannedResponse")).toBe(true);
    expect((await auditTrail(t, mine.id)).map((a) => a.action)).toEqual(["CANNED_RESPONSE_CREATED", "CANNED_RESPONSE_UPDATED", "CANNED_RESPONSE_DELETED"]);
  });

  it("let admins alone create and change shared ones, which every agent sees", async () => {
    expect(code(await create({ title: "Team", body: "All", shared: true }, desk.agent.token))).toBe("FORBIDDEN");
    const shared = ok(await create({ title: "Team", body: "All of us", shared: true }, desk.admin.token), "createCannedResponse");
    const seen = ok<{ id: string; editable: boolean }[]>(await t.gql(`{ cannedResponses(search: "all of") { id editable } }`, {}, desk.otherAgent.token), "cannedResponses");
    expect(seen).toEqual([{ id: shared.id, editable: false }]);
    expect(code(await t.gql(UPDATE, { id: shared.id, i: { title: "Mine", body: "x", shared: true } }, desk.agent.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(`mutation($id: ID!) { deleteCannedResponse(id: $id) }`, { id: shared.id }, desk.agent.token))).toBe("FORBIDDEN");
  });

  it("are not for customers", async () => {
    expect(code(await t.gql(`{ cannedResponses { id } }`, {}, desk.customer.token))).toBe("FORBIDDEN");
    expect(code(await create({ title: "Me", body: "x" }, desk.customer.token))).toBe("FORBIDDEN");
  });

  it("render only for a ticket that exists", async () => {
    const canned = ok(await create({ title: "Any", body: "{{ticket.reference}}" }, desk.agent.token), "createCannedResponse");
    expect(code(await t.gql(RENDER, { id: canned.id, ticket: "00000000-0000-7000-8000-000000000000" }, desk.agent.token))).toBe("NOT_FOUND");
  });
});

const CREATE = `mutation($i: CannedResponseInput!) { createCannedResponse(input: $i) { id title version shared } }`;
const UPDATE = `mutation($id: ID!, $i: CannedResponseInput!, $v: Int) { updateCannedResponse(id: $id, input: $i, expectedVersion: $v) { id title } }`;
const RENDER = `query($id: ID!, $ticket: ID!) { renderCannedResponse(id: $id, ticketId: $ticket) { title body } }`;
