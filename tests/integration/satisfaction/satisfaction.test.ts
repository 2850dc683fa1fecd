import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY, useClock, type TestClock } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { runJob } from "../jobs/support.js";
import { code, ok, openTicket, transition } from "../tickets/ticket-helpers.js";

type User = { id: string; email: string; token: string };
let t: TestServer;
let clock: TestClock;
let agent: User;
let customer: User;
let stranger: User;

const RATE = `mutation($t: ID!, $s: Int!, $c: String) { rateTicket(ticketId: $t, score: $s, comment: $c) { score comment ratedAt changeableUntil agent { id } } }`;
const RATING = `query($id: ID!) { ticket(id: $id) { viewerCanRate satisfaction { score comment agent { id } } } }`;
const OUTBOX = `query($to: String!) { outbox(first: 50, filter: { to: $to, kind: "TICKET_CLOSED" }) { nodes { subject text } } }`;

beforeAll(async () => {
  t = await startTestServer({ env: { SESSION_IDLE_MINUTES: "43200", TICKETS_AUTO_CLOSE_DAYS: "7", TICKETS_CLOSE_REMINDER_DAYS: "0" } });
  clock = useClock(t);
  agent = await t.createUser("AGENT", "Agent Rated");
  customer = await t.createUser("CUSTOMER", "Carla Customer");
  stranger = await t.createUser("CUSTOMER", "Sam Stranger");
});
afterAll(() => t?.close());

async function resolvedTicket(assigned = true) {
  const ticket = await openTicket(t, customer.token);
  if (assigned) ok(await t.gql(`mutation($id: ID!, $a: ID) { assignTicket(id: $id, assigneeId: $a) { id } }`, { id: ticket.id, a: agent.id }, agent.token), "assignTicket");
  await transition(t, agent.token, ticket.id, "IN_PROGRESS");
  return transition(t, agent.token, ticket.id, "RESOLVED");
}

describe("rating a ticket", () => {
  it("lets the requester rate a resolved ticket, shown to them and to staff, counted for the assignee", async () => {
    const ticket = await resolvedTicket();
    expect(ok(await t.gql(RATING, { id: ticket.id }, customer.token), "ticket")).toEqual({ viewerCanRate: true, satisfaction: null });
    const rating = ok(await t.gql(RATE, { t: ticket.id, s: 5, c: "  Quick and kind.  " }, customer.token), "rateTicket");
    expect(rating).toMatchObject({ score: 5, comment: "Quick and kind.", agent: { id: agent.id } });
    expect(new Date(rating.changeableUntil).getTime() - new Date(rating.ratedAt).getTime()).toBe(7 * DAY);
    expect(ok(await t.gql(RATING, { id: ticket.id }, agent.token), "ticket")).toEqual({ viewerCanRate: false, satisfaction: { score: 5, comment: "Quick and kind.", agent: { id: agent.id } } });
    const audit = await t.gql(`query($id: ID!) { auditEvents(first: 5, filter: { targetId: $id, actions: [TICKET_RATED] }) { nodes { actor { id } details } } }`, { id: ticket.id }, await t.adminToken());
    expect(ok(audit, "auditEvents").nodes).toEqual([{ actor: { id: customer.id }, details: { score: 5, previousScore: null, commented: true, agentId: agent.id } }]);
  });

  it("lets the requester change it for seven days, then keeps it", async () => {
    const ticket = await resolvedTicket();
    ok(await t.gql(RATE, { t: ticket.id, s: 2 }, customer.token), "rateTicket");
    clock.advance(6 * DAY);
    expect(ok(await t.gql(RATE, { t: ticket.id, s: 4, c: "Better after all" }, customer.token), "rateTicket")).toMatchObject({ score: 4, comment: "Better after all" });
    clock.advance(DAY + 60_000);
    expect(ok(await t.gql(RATING, { id: ticket.id }, customer.token), "ticket").viewerCanRate).toBe(false);
    const late = await t.gql(RATE, { t: ticket.id, s: 1 }, customer.token);
    expect(code(late)).toBe("CONFLICT");
    expect(ok(await t.gql(RATING, { id: ticket.id }, agent.token), "ticket").satisfaction.score).toBe(4);
    clock.reset();
  });

  it("refuses tickets not resolved, staff, other customers, anonymous callers and bad scores", async () => {
    const open = await openTicket(t, customer.token);
    expect(code(await t.gql(RATE, { t: open.id, s: 3 }, customer.token))).toBe("FORBIDDEN");
    const withdrawn = await openTicket(t, customer.token);
    await transition(t, customer.token, withdrawn.id, "CLOSED");
    expect(code(await t.gql(RATE, { t: withdrawn.id, s: 3 }, customer.token))).toBe("FORBIDDEN"); // closed without a resolution

    const ticket = await resolvedTicket();
    expect(code(await t.gql(RATE, { t: ticket.id, s: 3 }, agent.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(RATE, { t: ticket.id, s: 3 }, stranger.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(RATE, { t: ticket.id, s: 3 }))).toBe("UNAUTHENTICATED");
    for (const s of [0, 6, -1]) {
      const res = await t.gql(RATE, { t: ticket.id, s }, customer.token);
      expect(code(res)).toBe("BAD_USER_INPUT");
      expect(res.errors![0]!.extensions!.field).toBe("score");
    }
    expect(code(await t.gql(RATE, { t: ticket.id, s: 3, c: "x".repeat(2001) }, customer.token))).toBe("BAD_USER_INPUT");
    expect(ok(await t.gql(RATING, { id: ticket.id }, customer.token), "ticket").satisfaction).toBeNull();
  });

  it("lets the requester rate a ticket they closed after its resolution", async () => {
    const ticket = await resolvedTicket();
    await transition(t, customer.token, ticket.id, "CLOSED");
    expect(ok(await t.gql(RATING, { id: ticket.id }, customer.token), "ticket").viewerCanRate).toBe(true);
    expect(ok(await t.gql(RATE, { t: ticket.id, s: 4 }, customer.token), "rateTicket").score).toBe(4);
  });

  it("mails the requester a link to rate when a resolved ticket closes on its own", async () => {
    const ticket = await resolvedTicket();
    clock.advance(8 * DAY);
    const run = await runJob(t, await t.adminToken(), "tickets.auto-close");
    expect(run.errors).toBe(0);
    const closed = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { status } }`, { id: ticket.id }, customer.token), "ticket");
    expect(closed.status).toBe("CLOSED");
    const mails = ok(await t.gql(OUTBOX, { to: customer.email }, await t.adminToken()), "outbox").nodes;
    const mail = mails.find((m: { subject: string }) => m.subject.startsWith(`[#${ticket.number}]`));
    expect(mail.subject).toBe(`[#${ticket.number}] Closed: ${ticket.subject}`);
    expect(mail.text).toContain(`/#/tickets/${ticket.id}?rate=1`);
    expect(ok(await t.gql(RATE, { t: ticket.id, s: 5 }, customer.token), "rateTicket").score).toBe(5);
    clock.reset();
  });
});

describe("satisfaction figures", () => {
  it("count, average and distribute ratings per agent and per week, for staff only", async () => {
    const other = await t.createUser("AGENT", "Zed Other");
    const from = new Date(Date.now() - DAY).toISOString();
    const to = new Date(Date.now() + 30 * DAY).toISOString();
    const STATS = `query($f: DateTimeISO!, $t: DateTimeISO!, $g: SatisfactionGroupBy!) { satisfactionStats(from: $f, to: $t, groupBy: $g) {
      count average distribution groups { agent { id } weekStart count average distribution } } }`;
    const before = ok(await t.gql(STATS, { f: from, t: to, g: "AGENT" }, agent.token), "satisfactionStats");

    const a = await resolvedTicket();
    ok(await t.gql(RATE, { t: a.id, s: 1 }, customer.token), "rateTicket");
    const b = await resolvedTicket(false);
    ok(await t.gql(`mutation($id: ID!, $a: ID) { assignTicket(id: $id, assigneeId: $a) { id } }`, { id: b.id, a: other.id }, agent.token), "assignTicket");
    ok(await t.gql(RATE, { t: b.id, s: 3 }, customer.token), "rateTicket");

    const byAgent = ok(await t.gql(STATS, { f: from, t: to, g: "AGENT" }, agent.token), "satisfactionStats");
    expect(byAgent.count).toBe(before.count + 2);
    expect(byAgent.distribution.reduce((s: number, n: number) => s + n, 0)).toBe(byAgent.count);
    const zed = byAgent.groups.find((g: { agent: { id: string } | null }) => g.agent?.id === other.id);
    expect(zed).toEqual({ agent: { id: other.id }, weekStart: null, count: 1, average: 3, distribution: [0, 0, 1, 0, 0] });

    const byWeek = ok(await t.gql(STATS, { f: from, t: to, g: "WEEK" }, agent.token), "satisfactionStats");
    expect(byWeek.count).toBe(byAgent.count);
    expect(byWeek.average).toBe(byAgent.average);
    for (const g of byWeek.groups) {
      expect(new Date(g.weekStart).getUTCDay()).toBe(1); // Monday
      expect(g.agent).toBeNull();
    }
    expect(byWeek.groups.reduce((s: number, g: { count: number }) => s + g.count, 0)).toBe(byWeek.count);

    expect(code(await t.gql(STATS, { f: from, t: to, g: "WEEK" }, customer.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(STATS, { f: to, t: from, g: "WEEK" }, agent.token))).toBe("BAD_USER_INPUT");
    expect(code(await t.gql(STATS, { f: "2020-01-01T00:00:00Z", t: to, g: "WEEK" }, agent.token))).toBe("BAD_USER_INPUT");
  });
});
