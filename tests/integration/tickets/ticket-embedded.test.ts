import { afterAll, beforeAll, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { startTestServer, type GraphQLResult, type TestServer } from "../../support/server.js";
import { ADD_COMMENT, ASSIGN_TICKET, code, comment, CREATE_TICKET, EDIT_COMMENT, ok, openTicket, TICKET_COMMENTS, TICKET_LIST, transition, UPDATE_TICKET } from "./ticket-helpers.js";

/**
 * The embedded database (SQLite through libsql) runs the same ticket code with its own SQL
 * paths: LIKE instead of FULLTEXT, the same window function and raw SLA comparisons.
 */
let t: TestServer;
beforeAll(async () => {
  // The first test moves the business clock an hour on: the sessions must not end idle on the way.
  t = await startTestServer({ embedded: true, env: { SESSION_IDLE_MINUTES: "120" } });
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

  t.server.services.clock = { now: () => new Date(Date.now() + 60 * 60_000) }; // an hour on: URGENT's 30 minutes passed
  try {
    const breached = ok(await t.gql(TICKET_LIST, { filter: { slaBreached: true } }, agent.token), "tickets").nodes.map((n: any) => n.id);
    expect(breached).toEqual([tickets[2]!.id]);
    const onTrack = ok(await t.gql(TICKET_LIST, { filter: { slaBreached: false }, orderBy: { field: "PRIORITY", direction: "DESC" } }, agent.token), "tickets");
    expect(onTrack.nodes.map((n: any) => n.id).sort()).toEqual([tickets[0]!.id, tickets[1]!.id].sort());
  } finally {
    t.server.services.clock = systemClock;
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

it("refuses a NUL in ticket text, ids and cursors with BAD_USER_INPUT, writing nothing", async () => {
  const customer = await t.createUser("CUSTOMER");
  const ticket = await openTicket(t, customer.token, { subject: "Before the NUL" });
  const refusedAt = (res: GraphQLResult) => res.errors?.[0]?.extensions;
  expect(refusedAt(await t.gql(CREATE_TICKET, { i: { subject: "Jammed\u0000", description: "x" } }, customer.token))).toEqual({ code: "BAD_USER_INPUT", field: "input.subject" });
  expect(refusedAt(await t.gql(ADD_COMMENT, { i: { subjectId: ticket.id, body: "a\u0000b" } }, customer.token))).toEqual({ code: "BAD_USER_INPUT", field: "input.body" });
  expect(refusedAt(await t.gql(`query($id: ID!) { ticket(id: $id) { id } }`, { id: `${ticket.id}\u0000` }, customer.token))).toEqual({ code: "BAD_USER_INPUT", field: "id" });
  expect(refusedAt(await t.gql(TICKET_LIST, { after: "abc\u0000" }, customer.token))).toEqual({ code: "BAD_USER_INPUT", field: "after" });
  // A cursor is base64: a NUL forged inside it is only found once it is decoded.
  const cursor = ok(await t.gql(TICKET_LIST, {}, customer.token), "tickets").pageInfo.endCursor as string;
  const [field, value] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
  const forged = Buffer.from(JSON.stringify([field, value, "x\u0000"])).toString("base64url");
  expect(code(await t.gql(TICKET_LIST, { after: forged }, customer.token))).toBe("BAD_USER_INPUT");
  const operator = Buffer.from(JSON.stringify([field, { $ne: null }, ticket.id])).toString("base64url");
  expect(code(await t.gql(TICKET_LIST, { after: operator }, customer.token))).toBe("BAD_USER_INPUT");
  // A date slot holding what no cursor of ours holds (SQLite had failed on the NaN it became).
  for (const date of ["x", "2026-13-45T99:00:00Z", 5]) {
    const badDate = Buffer.from(JSON.stringify(["createdAt", date, ticket.id])).toString("base64url");
    expect(refusedAt(await t.gql(TICKET_LIST, { after: badDate }, customer.token)), String(date)).toEqual({ code: "BAD_USER_INPUT", field: "after" });
  }

  const view = ok(await t.gql(TICKET_COMMENTS, { id: ticket.id, first: 10 }, customer.token), "ticket");
  expect(view.commentCount).toBe(0);
  expect(ok(await t.gql(TICKET_LIST, {}, customer.token), "tickets").nodes.map((n: any) => n.id)).toEqual([ticket.id]);
});
