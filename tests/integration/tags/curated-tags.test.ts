import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createDesk, ok, storedEvents, type Desk } from "../issues/desk-fixtures.js";

let t: TestServer;
let desk: Desk;

beforeAll(async () => {
  t = await startTestServer({ env: { TAGS_MODE: "curated" } });
  desk = await createDesk(t);
  ok(await t.gql(`mutation { createTag(name: "Billing") { id } }`, {}, desk.admin.token), "createTag");
});
afterAll(() => t?.close());

const openTicket = async (): Promise<{ id: string }> =>
  ok(await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject: "Invoice", description: "Wrong." } }, desk.customer.token), "createTicket");

describe("tags in TAGS_MODE=curated", () => {
  it("let agents pick existing tags, whatever their case", async () => {
    const ticket = await openTicket();
    const set = ok(await t.gql(SET, { id: ticket.id, tags: ["billing"] }, desk.agent.token), "setTicketTags");
    expect(set.ticket.tags).toEqual([{ name: "Billing" }]);
  });

  it("refuse an agent's new tag with BAD_USER_INPUT listing it, and change nothing", async () => {
    const ticket = await openTicket();
    const res = await t.gql(SET, { id: ticket.id, tags: ["Billing", "Brand new"] }, desk.agent.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "tags", unknownTags: ["Brand new"] });
    const now = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { tags { name } } }`, { id: ticket.id }, desk.agent.token), "ticket");
    expect(now.tags).toEqual([]);
    expect(await storedEvents(t, { type: "ticket.tags_changed", targetId: ticket.id })).toEqual([]);
    expect(ok<{ name: string }[]>(await t.gql(`{ tags { name } }`, {}, desk.agent.token), "tags").map((g) => g.name)).toEqual(["Billing"]);
  });

  it("let admins create tags by using them", async () => {
    const ticket = await openTicket();
    const set = ok(await t.gql(SET, { id: ticket.id, tags: ["Refund"] }, desk.admin.token), "setTicketTags");
    expect(set.ticket.tags).toEqual([{ name: "Refund" }]);
  });
});

const SET = `mutation($id: ID!, $tags: [String!]!) { setTicketTags(ticketId: $id, tags: $tags) { ticket { tags { name } } } }`;
