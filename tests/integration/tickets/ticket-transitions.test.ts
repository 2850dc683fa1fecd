import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { code, comment, GET_TICKET, ok, openTicket, ticketIn, TICKET_LIST, TRANSITION, transition } from "./ticket-helpers.js";

const TRANSITION_WITH_REASON = `mutation($id: ID!, $to: TicketStatus!, $reason: String) { transitionTicket(id: $id, to: $to, reason: $reason) { id status } }`;

type User = Awaited<ReturnType<TestServer["createUser"]>>;
let t: TestServer;
let customer: User;
let other: User;
let agent: User;
let admin: User;

const STATUSES = ["OPEN", "IN_PROGRESS", "WAITING_ON_CUSTOMER", "RESOLVED", "CLOSED"] as const;
const STAFF_MOVES: Record<string, string[]> = {
  OPEN: ["IN_PROGRESS", "CLOSED"],
  IN_PROGRESS: ["WAITING_ON_CUSTOMER", "RESOLVED", "CLOSED"],
  WAITING_ON_CUSTOMER: ["IN_PROGRESS", "RESOLVED", "CLOSED"],
  RESOLVED: ["OPEN", "CLOSED"],
  CLOSED: [],
};

beforeAll(async () => {
  // The SLA tests move the business clock days on; their sessions (signed in at the test's
  // start) must not end idle on the way: a week instead of the hour.
  t = await startTestServer({ env: { SESSION_IDLE_MINUTES: String(7 * 24 * 60) } });
  [customer, other, agent, admin] = await Promise.all([t.createUser("CUSTOMER"), t.createUser("CUSTOMER"), t.createUser("AGENT"), t.createUser("ADMIN")]);
});
afterAll(() => t?.close());

describe("transitions by agents and admins", () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const allowed = STAFF_MOVES[from]!.includes(to);
      it(`${allowed ? "allows" : "rejects"} ${from} -> ${to}`, async () => {
        const staff = to === "CLOSED" ? admin : agent; // both roles share the table; cover both
        const ticket = await ticketIn(t, agent.token, customer.token, from);
        const res = await t.gql(TRANSITION, { id: ticket.id, to, v: ticket.version }, staff.token);
        if (allowed) {
          expect(ok(res, "transitionTicket")).toMatchObject({ status: to, version: ticket.version + 1 });
          return;
        }
        expect(res.errors?.[0]?.extensions).toEqual({ code: "INVALID_TRANSITION", currentStatus: from, allowedTransitions: STAFF_MOVES[from] });
        expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, agent.token), "ticket")).toMatchObject({ status: from, version: ticket.version, updatedAt: ticket.updatedAt });
      });
    }
  }

  it("offers exactly the allowed moves as allowedTransitions", async () => {
    for (const status of STATUSES) {
      const ticket = await ticketIn(t, agent.token, customer.token, status);
      for (const staff of [agent, admin]) {
        expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, staff.token), "ticket").allowedTransitions, status).toEqual(STAFF_MOVES[status]);
      }
    }
  });

  it("stamps resolvedAt and closedAt, and clears resolvedAt on reopening", async () => {
    const resolved = await ticketIn(t, agent.token, customer.token, "RESOLVED");
    expect(resolved.resolvedAt).not.toBeNull();
    const reopened = await transition(t, agent.token, resolved.id, "OPEN");
    expect(reopened.resolvedAt).toBeNull();
    const closed = await transition(t, agent.token, reopened.id, "CLOSED");
    expect(closed.closedAt).not.toBeNull();
  });
});

describe("transitions by customers", () => {
  it("lets the requester reopen or close their resolved ticket", async () => {
    const first = await ticketIn(t, agent.token, customer.token, "RESOLVED");
    expect(ok(await t.gql(GET_TICKET, { id: first.id }, customer.token), "ticket").allowedTransitions).toEqual(["OPEN", "CLOSED"]);
    expect(ok(await t.gql(TRANSITION, { id: first.id, to: "OPEN" }, customer.token), "transitionTicket").status).toBe("OPEN");
    const second = await ticketIn(t, agent.token, customer.token, "RESOLVED");
    expect(ok(await t.gql(TRANSITION, { id: second.id, to: "CLOSED" }, customer.token), "transitionTicket").status).toBe("CLOSED");
  });

  it("lets the requester withdraw their ticket while the desk works on it", async () => {
    const open = await ticketIn(t, agent.token, customer.token, "OPEN");
    const refused = await t.gql(TRANSITION_WITH_REASON, { id: open.id, to: "CLOSED", reason: "line one\nline two" }, customer.token);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "reason" });
    expect(ok(await t.gql(GET_TICKET, { id: open.id }, customer.token), "ticket").status).toBe("OPEN");
    for (const from of ["OPEN", "IN_PROGRESS", "WAITING_ON_CUSTOMER"]) {
      const ticket = await ticketIn(t, agent.token, customer.token, from);
      const res = ok(await t.gql(TRANSITION_WITH_REASON, { id: ticket.id, to: "CLOSED", reason: "No longer needed" }, customer.token), "transitionTicket");
      expect(res.status, from).toBe("CLOSED");
      const history = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { history { action from to details actor { id } } } }`, { id: ticket.id }, agent.token), "ticket").history;
      expect(history.at(-1)).toMatchObject({ action: "TICKET_TRANSITIONED", from, to: "CLOSED", actor: { id: customer.id }, details: { reason: "No longer needed" } });
    }
  });

  it("rejects every other move by the requester, with what they may do", async () => {
    for (const from of STATUSES) {
      const ticket = await ticketIn(t, agent.token, customer.token, from);
      const mine = ok(await t.gql(GET_TICKET, { id: ticket.id }, customer.token), "ticket");
      const allowed = from === "RESOLVED" ? ["OPEN", "CLOSED"] : from === "CLOSED" ? [] : ["CLOSED"];
      expect(mine.allowedTransitions, from).toEqual(allowed);
      for (const to of STATUSES.filter((s) => !allowed.includes(s))) {
        const res = await t.gql(TRANSITION, { id: ticket.id, to }, customer.token);
        expect(res.errors?.[0]?.extensions, `${from} -> ${to}`).toEqual({ code: "INVALID_TRANSITION", currentStatus: from, allowedTransitions: allowed });
      }
    }
  });

  it("answers NOT_FOUND to another customer", async () => {
    const ticket = await ticketIn(t, agent.token, customer.token, "RESOLVED");
    expect(code(await t.gql(TRANSITION, { id: ticket.id, to: "OPEN" }, other.token))).toBe("NOT_FOUND");
  });
});

describe("comments that move tickets", () => {
  it("moves a ticket waiting on the customer back to IN_PROGRESS when the customer replies", async () => {
    const ticket = await ticketIn(t, agent.token, customer.token, "WAITING_ON_CUSTOMER");
    await comment(t, customer.token, ticket.id, "Here is the log you asked for.");
    const after = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { status version history { action from to details actor { id } } } }`, { id: ticket.id }, customer.token), "ticket");
    expect(after.status).toBe("IN_PROGRESS");
    expect(after.history.at(-1)).toMatchObject({ action: "TICKET_TRANSITIONED", from: "WAITING_ON_CUSTOMER", to: "IN_PROGRESS", actor: { id: customer.id }, details: { reason: "customer replied" } });
  });

  it("leaves the status alone for agent comments and internal notes", async () => {
    const ticket = await ticketIn(t, agent.token, customer.token, "WAITING_ON_CUSTOMER");
    await comment(t, agent.token, ticket.id, "Any news?");
    await comment(t, agent.token, ticket.id, "Chase them tomorrow", true);
    expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, agent.token), "ticket").status).toBe("WAITING_ON_CUSTOMER");
  });

  it("takes the first public agent comment as the first response, not an internal note or a customer comment", async () => {
    const ticket = await openTicket(t, customer.token);
    await comment(t, customer.token, ticket.id, "Also the scanner.");
    await comment(t, agent.token, ticket.id, "Looks like the fuser", true);
    expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, agent.token), "ticket").firstResponseAt).toBeNull();
    await comment(t, agent.token, ticket.id, "We are on it.");
    const answered = ok(await t.gql(GET_TICKET, { id: ticket.id }, agent.token), "ticket");
    expect(answered.firstResponseAt).not.toBeNull();
    await comment(t, admin.token, ticket.id, "Update: parts ordered.");
    expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, agent.token), "ticket").firstResponseAt).toBe(answered.firstResponseAt);
  });
});

describe("concurrent changes", () => {
  it("lets one of two concurrent transitions win and answers the other CONFLICT, losing nothing", async () => {
    for (let round = 0; round < 5; round++) {
      const ticket = await ticketIn(t, agent.token, customer.token, "IN_PROGRESS");
      const [a, b] = await Promise.all([
        t.gql(TRANSITION, { id: ticket.id, to: "RESOLVED", v: ticket.version }, agent.token),
        t.gql(TRANSITION, { id: ticket.id, to: "WAITING_ON_CUSTOMER", v: ticket.version }, admin.token),
      ]);
      const winners = [a, b].filter((r) => !r.errors);
      expect(winners, JSON.stringify([a.errors, b.errors])).toHaveLength(1);
      expect(code(winners[0] === a ? b : a)).toBe("CONFLICT");
      const final = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { status version history { action } } }`, { id: ticket.id }, agent.token), "ticket");
      expect(final.status).toBe(winners[0]!.data!.transitionTicket.status);
      expect(final.version).toBe(ticket.version + 1);
      expect(final.history.filter((h: any) => h.action === "TICKET_TRANSITIONED")).toHaveLength(2); // IN_PROGRESS, then the winner
    }
  });

  it("answers CONFLICT to a concurrent write that did not send a version, when both read the same row", async () => {
    // Without expectedVersion the loser either sees the winner's status (and is judged on it) or
    // collides with it at the optimistic-lock UPDATE: never a lost update.
    const ticket = await ticketIn(t, agent.token, customer.token, "IN_PROGRESS");
    const results = await Promise.all(["RESOLVED", "WAITING_ON_CUSTOMER", "CLOSED"].map((to) => t.gql(TRANSITION, { id: ticket.id, to }, agent.token)));
    const won = results.filter((r) => !r.errors).map((r) => r.data!.transitionTicket.status);
    for (const r of results.filter((r) => r.errors)) expect(["CONFLICT", "INVALID_TRANSITION"]).toContain(code(r));
    const final = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { status version } }`, { id: ticket.id }, agent.token), "ticket");
    expect(final.status).toBe(won.at(-1));
    expect(final.version).toBe(ticket.version + won.length);
  });
});

describe("the SLA clock over the API", () => {
  const T0 = new Date("2030-01-07T08:00:00.000Z");
  const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
  let now = T0;
  const services = () => t.server.services;
  afterEach(() => {
    services().clock = systemClock;
  });
  /** The suite's customer and agent, signed in at the business clock's time: their sessions start where the test does. */
  const signedIn = async (user: User): Promise<User> => ({ ...user, token: (await t.login(user.email, user.password)).accessToken });
  const signInNow = async () => ({ customer: await signedIn(customer), agent: await signedIn(agent) });

  it("pauses while waiting on the customer and stops when resolved", async () => {
    services().clock = { now: () => now };
    now = at(0);
    const { customer, agent } = await signInNow();
    const ticket = await openTicket(t, customer.token, { priority: "NORMAL" });
    now = at(5);
    await transition(t, agent.token, ticket.id, "IN_PROGRESS");
    now = at(10);
    await comment(t, agent.token, ticket.id, "Can you send a photo?");
    now = at(20);
    await transition(t, agent.token, ticket.id, "WAITING_ON_CUSTOMER");
    now = at(80);
    const waiting = ok(await t.gql(GET_TICKET, { id: ticket.id }, customer.token), "ticket");
    expect(waiting).toMatchObject({ timeToFirstResponse: 600, timeOpen: 20 * 60, slaBreached: false });
    await comment(t, customer.token, ticket.id, "Photo attached."); // back to IN_PROGRESS, clock runs again
    now = at(100);
    const resolved = await transition(t, agent.token, ticket.id, "RESOLVED");
    expect(resolved).toMatchObject({ status: "RESOLVED", timeOpen: 40 * 60, timeToFirstResponse: 600 });
    now = at(5000);
    expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, customer.token), "ticket")).toMatchObject({ timeOpen: 40 * 60, slaBreached: false });
  });

  it("marks and filters tickets that missed a target, in SQL, without counting waiting time", async () => {
    const sla = t.server.services.config.sla;
    services().clock = { now: () => now };
    now = at(10_000);
    const { customer, agent } = await signInNow();
    const late = await openTicket(t, customer.token, { priority: "URGENT", subject: "SLA late" });
    const waiting = await openTicket(t, customer.token, { priority: "URGENT", subject: "SLA waiting" });
    await comment(t, agent.token, waiting.id, "Need more details");
    await transition(t, agent.token, waiting.id, "IN_PROGRESS");
    await transition(t, agent.token, waiting.id, "WAITING_ON_CUSTOMER");
    const onTime = await openTicket(t, customer.token, { priority: "LOW", subject: "SLA fine" });
    now = at(10_000 + sla.firstResponseMinutes.URGENT + 1);
    const ids = (filter: Record<string, unknown>) =>
      t.gql(TICKET_LIST, { first: 100, filter: { ...filter, createdAfter: at(10_000).toISOString() } }, agent.token).then((r) => ok(r, "tickets").nodes.map((n: any) => n.id).sort());
    expect(await ids({ slaBreached: true })).toEqual([late.id]);
    expect(await ids({ slaBreached: false })).toEqual([waiting.id, onTime.id].sort());
    expect(ok(await t.gql(GET_TICKET, { id: late.id }, agent.token), "ticket").slaBreached).toBe(true);
    // Days of waiting on the customer never breach; the clock resumes when they answer.
    now = at(10_000 + 5 * 24 * 60);
    expect(await ids({ slaBreached: true })).toEqual([late.id, onTime.id].sort()); // LOW's first-response target passed
    await comment(t, customer.token, waiting.id, "Details attached");
    expect(ok(await t.gql(GET_TICKET, { id: waiting.id }, agent.token), "ticket")).toMatchObject({ status: "IN_PROGRESS", slaBreached: false });
  });
});
