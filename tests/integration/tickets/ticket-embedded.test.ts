import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { ASSIGN_TICKET, comment, EDIT_COMMENT, ok, openTicket, TICKET_COMMENTS, TICKET_LIST, transition, UPDATE_TICKET } from "./ticket-helpers.js";

/**
 * The embedded database (SQLite through libsql) runs the same ticket code with its own SQL
 * paths: LIKE instead of FULLTEXT, the same window function and raw SLA comparisons.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ embedded: true });
});
afterAll(() => t?.close());

it("numbers, lists, searches, filters by SLA and loads the latest comments on SQLite", async () => {
  const [customer, agent] = await Promise.all([t.createUser("CUSTOMER"), t.createUser("AGENT")]);
  const tickets = await Promise.all([1, 2, 3].map((i) => openTicket(t, customer.token, { subject: `Embedded ${i}`, priority: i === 3 ? "URGENT" : "LOW" })));
  expect(tickets.map((x) => x.number).sort()).toEqual([1, 2, 3]);
  await comment(t, agent.token, tickets[0]!.id, "Public answer about the modem");
  await comment(t, agent.token, tickets[0]!.id, "Internal: modem firmware 50% broken", true);
  await transition(t, agent.token, tickets[1]!.id, "IN_PROGRESS");

  const search = async (text: string, token: string) =>
    ok(await t.gql(TICKET_LIST, { filter: { search: text } }, token), "tickets").nodes.map((n: any) => n.id);
  expect(await search("modem", customer.token)).toEqual([tickets[0]!.id]);
  expect(await search("firmware", customer.token)).toEqual([]);
  expect(await search("50%", agent.token)).toEqual([tickets[0]!.id]);

  const view = ok(await t.gql(TICKET_COMMENTS, { id: tickets[0]!.id, first: 10 }, customer.token), "ticket");
  expect(view.latestComments.map((c: any) => c.body)).toEqual(["Public answer about the modem"]);
  expect(view.commentCount).toBe(1);

  t.server.services.tickets.clock = { now: () => new Date(Date.now() + 60 * 60_000) }; // an hour on: URGENT's 30 minutes passed
  try {
    const breached = ok(await t.gql(TICKET_LIST, { filter: { slaBreached: true } }, agent.token), "tickets").nodes.map((n: any) => n.id);
    expect(breached).toEqual([tickets[2]!.id]);
    const onTrack = ok(await t.gql(TICKET_LIST, { filter: { slaBreached: false }, orderBy: { field: "PRIORITY", direction: "DESC" } }, agent.token), "tickets");
    expect(onTrack.nodes.map((n: any) => n.id).sort()).toEqual([tickets[0]!.id, tickets[1]!.id].sort());
  } finally {
    t.server.services.tickets.clock = { now: () => new Date() };
  }
  // Reads inside a write must not be written back (SQLite's datetime snapshots always look changed).
  const version = async () => ok(await t.gql(`query($id: ID!) { ticket(id: $id) { version } }`, { id: tickets[0]!.id }, agent.token), "ticket").version;
  const before = await version();
  const note = await comment(t, agent.token, tickets[0]!.id, "Another internal note", true);
  await comment(t, customer.token, tickets[0]!.id, "A customer remark");
  ok(await t.gql(EDIT_COMMENT, { id: note.id, body: "Edited note" }, agent.token), "editComment");
  ok(await t.gql(ASSIGN_TICKET, { id: tickets[0]!.id, a: null }, agent.token), "assignTicket");
  ok(await t.gql(UPDATE_TICKET, { id: tickets[0]!.id, i: { subject: "Embedded 1" } }, agent.token), "updateTicket");
  expect(await version()).toBe(before);
  const csv = await t.http("/export/tickets.csv", { headers: { authorization: `Bearer ${agent.token}` } });
  expect(csv.text.trim().split("\n")).toHaveLength(4);
});
