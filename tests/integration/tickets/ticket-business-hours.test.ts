import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { comment, ok, openTicket, transition } from "./ticket-helpers.js";

/**
 * SLA clocks on business hours: a Berlin office open Monday to Friday, 09:00 to 17:00, closed on
 * Christmas Day. The business clock is moved by hand; every instant below is Berlin local time.
 */
let t: TestServer;
let now = new Date("2026-12-24T15:00:00.000Z"); // Thursday 24 December, 16:00 in Berlin
const berlin = (local: string) => new Date(`${local}+01:00`);
const EXPLAIN = `query($id: ID!) { ticket(id: $id) {
  firstResponseDueAt resolutionDueAt slaDueAt slaState timeOpen
  slaExplanation { calendar holidays countedSeconds segments { start end kind reason } } } }`;

beforeAll(async () => {
  t = await startTestServer({
    env: { SLA_BUSINESS_HOURS: "Mon-Fri 09:00-17:00", SLA_TIME_ZONE: "Europe/Berlin", SLA_HOLIDAYS: "2026-12-25", SESSION_IDLE_MINUTES: "43200" },
  });
  t.server.services.clock = { now: () => now };
});
afterAll(() => t?.close());

it("counts only business hours, skips the holiday, and explains every stretch", async () => {
  const [customer, agent] = await Promise.all([t.createUser("CUSTOMER"), t.createUser("AGENT")]);
  const ticket = await openTicket(t, customer.token, { subject: "Printer offline before the holidays", priority: "HIGH" });
  // HIGH: first response within 2 business hours, resolution within 24 (config defaults).
  let view = ok(await t.gql(EXPLAIN, { id: ticket.id }, agent.token), "ticket");
  expect(new Date(view.firstResponseDueAt)).toEqual(berlin("2026-12-28T10:00")); // 1 h Thursday + 1 h Monday
  expect(new Date(view.resolutionDueAt)).toEqual(berlin("2026-12-30T16:00")); // 1 h Thu + 8 Mon + 8 Tue + 7 Wed
  expect(view.slaExplanation.calendar).toBe("Mon-Fri 09:00-17:00 (Europe/Berlin)");
  expect(view.slaExplanation.holidays).toEqual(["2026-12-25"]);

  // Monday 09:30: the weekend and Christmas did not count.
  now = berlin("2026-12-28T09:30");
  view = ok(await t.gql(EXPLAIN, { id: ticket.id }, agent.token), "ticket");
  expect(view.timeOpen).toBe(90 * 60);
  expect(view.slaState).toBe("ON_TRACK");
  expect(view.slaExplanation.segments.map((s: any) => [s.kind, s.start, s.end])).toEqual([
    ["RUNNING", berlin("2026-12-24T16:00").toISOString(), berlin("2026-12-24T17:00").toISOString()],
    ["OUTSIDE_HOURS", berlin("2026-12-24T17:00").toISOString(), berlin("2026-12-25T00:00").toISOString()],
    ["HOLIDAY", berlin("2026-12-25T00:00").toISOString(), berlin("2026-12-26T00:00").toISOString()],
    ["OUTSIDE_HOURS", berlin("2026-12-26T00:00").toISOString(), berlin("2026-12-28T09:00").toISOString()],
    ["RUNNING", berlin("2026-12-28T09:00").toISOString(), berlin("2026-12-28T09:30").toISOString()],
  ]);

  // Waiting on the customer from 09:30 to 11:30 pauses the clock, and the explanation says why.
  await comment(t, agent.token, ticket.id, "Is it plugged in?");
  await transition(t, agent.token, ticket.id, "IN_PROGRESS");
  await transition(t, agent.token, ticket.id, "WAITING_ON_CUSTOMER");
  now = berlin("2026-12-28T11:30");
  await comment(t, customer.token, ticket.id, "It is now. Still offline.");
  now = berlin("2026-12-28T12:00");
  view = ok(await t.gql(EXPLAIN, { id: ticket.id }, agent.token), "ticket");
  const last = view.slaExplanation.segments.slice(-2);
  expect(last).toEqual([
    { kind: "PAUSED", reason: "Waiting on the customer", start: berlin("2026-12-28T09:30").toISOString(), end: berlin("2026-12-28T11:30").toISOString() },
    { kind: "RUNNING", reason: "The desk owes an answer", start: berlin("2026-12-28T11:30").toISOString(), end: berlin("2026-12-28T12:00").toISOString() },
  ]);
  expect(view.timeOpen).toBe(2 * 3600); // 1 h Thursday + 30 min + 30 min Monday
  expect(view.slaExplanation.countedSeconds).toBe(view.timeOpen);
  // The resolution deadline moved by the two paused business hours: past Wednesday's close into Thursday.
  expect(new Date(view.resolutionDueAt)).toEqual(berlin("2026-12-31T10:00"));
});

it("refuses an unreadable calendar at start, naming the setting", async () => {
  await expect(startTestServer({ env: { SLA_BUSINESS_HOURS: "weekdays nine to five" } })).rejects.toThrow(/SLA_BUSINESS_HOURS/);
  await expect(startTestServer({ env: { SLA_BUSINESS_HOURS: "Mon-Fri 09:00-17:00", SLA_TIME_ZONE: "Mars/Olympus" } })).rejects.toThrow(/SLA_TIME_ZONE/);
});
