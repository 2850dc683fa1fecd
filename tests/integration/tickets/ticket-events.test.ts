import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../../src/core/identity.js";
import { TicketStatus } from "../../../src/modules/tickets/ticket.enums.js";
import { mailTo } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { storedEvents } from "../issues/desk-fixtures.js";
import { ASSIGN_TICKET, code, comment, GET_TICKET, ok, openTicket, scopeAs, ticketIn, transition, TRANSITION, UPDATE_TICKET } from "./ticket-helpers.js";

type User = Awaited<ReturnType<TestServer["createUser"]>>;
let t: TestServer;
let customer: User;
let agent: User;

beforeAll(async () => {
  t = await startTestServer();
  [customer, agent] = await Promise.all([t.createUser("CUSTOMER", "Cleo Customer"), t.createUser("AGENT", "Andy Agent")]);
}, 60_000);
afterAll(() => t?.close());

const TICKET_EVENTS = ["ticket.created", "ticket.updated", "ticket.assigned", "ticket.transitioned"];

/** The ticket events about one ticket, oldest first. */
const eventsOf = (ticket: { id: string }, type: string | string[] = TICKET_EVENTS) => storedEvents(t, { type, targetId: ticket.id });

/** What every ticket event carries besides its type, actor and payload: public, about the ticket. */
const about = (ticket: { id: string }) => ({
  position: expect.any(Number),
  target: { type: "Ticket", id: ticket.id },
  refs: { ticketId: ticket.id, issueId: null, projectId: null, userId: null },
  visibility: "PUBLIC",
});

describe("ticket.created", () => {
  it("is recorded once, by the requester, with the facts of the new ticket", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "Printer jams", category: "Hardware", priority: "HIGH" });
    expect(await eventsOf(ticket)).toEqual([
      {
        ...about(ticket),
        type: "ticket.created",
        actorId: customer.id,
        payload: { number: ticket.number, subject: "Printer jams", priority: "HIGH", category: "Hardware", requesterId: customer.id },
      },
    ]);
  });

  it("names the agent who opened a ticket on a customer's behalf", async () => {
    const ticket = await openTicket(t, agent.token, { subject: "Called in", requesterId: customer.id });
    expect(await eventsOf(ticket)).toEqual([
      {
        ...about(ticket),
        type: "ticket.created",
        actorId: agent.id,
        payload: { number: ticket.number, subject: "Called in", priority: "NORMAL", category: null, requesterId: customer.id, onBehalf: true },
      },
    ]);
  });
});

describe("ticket.updated, ticket.assigned and ticket.transitioned", () => {
  it("are recorded once per change, with what changed and who changed it", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "Before" });
    ok(await t.gql(UPDATE_TICKET, { id: ticket.id, i: { subject: "After", description: "Four" } }, customer.token), "updateTicket");
    ok(await t.gql(ASSIGN_TICKET, { id: ticket.id, a: agent.id }, agent.token), "assignTicket");
    await transition(t, agent.token, ticket.id, "IN_PROGRESS");
    const [, updated, assigned, moved] = await eventsOf(ticket);
    expect(updated).toEqual({
      ...about(ticket),
      type: "ticket.updated",
      actorId: customer.id,
      payload: { changes: { subject: { from: "Before", to: "After" }, description: { from: "26 characters", to: "4 characters" } } },
    });
    expect(assigned).toEqual({ ...about(ticket), type: "ticket.assigned", actorId: agent.id, payload: { from: null, to: agent.id } });
    expect(moved).toEqual({ ...about(ticket), type: "ticket.transitioned", actorId: agent.id, payload: { from: "OPEN", to: "IN_PROGRESS" } });
    expect(await eventsOf(ticket)).toHaveLength(4);
  });

  it("are not recorded for a change that changes nothing", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "Same" });
    ok(await t.gql(UPDATE_TICKET, { id: ticket.id, i: { subject: "Same" } }, customer.token), "updateTicket");
    ok(await t.gql(ASSIGN_TICKET, { id: ticket.id, a: null }, agent.token), "assignTicket");
    expect((await eventsOf(ticket)).map((e) => e.type)).toEqual(["ticket.created"]);
  });

  it("are not recorded when the write is refused or rolls back (a stale expectedVersion answers CONFLICT)", async () => {
    const ticket = await openTicket(t, customer.token);
    ok(await t.gql(UPDATE_TICKET, { id: ticket.id, i: { subject: "Moved on" } }, customer.token), "updateTicket");
    expect(code(await t.gql(UPDATE_TICKET, { id: ticket.id, i: { subject: "Stale" }, v: ticket.version }, customer.token))).toBe("CONFLICT");
    expect(code(await t.gql(ASSIGN_TICKET, { id: ticket.id, a: agent.id, v: ticket.version }, agent.token))).toBe("CONFLICT");
    expect(code(await t.gql(TRANSITION, { id: ticket.id, to: "RESOLVED" }, agent.token))).toBe("INVALID_TRANSITION");
    expect((await eventsOf(ticket)).map((e) => e.type)).toEqual(["ticket.created", "ticket.updated"]);
  });

  it("records one transition per winner when concurrent moves race, none for the losers", async () => {
    const ticket = await ticketIn(t, agent.token, customer.token, "IN_PROGRESS");
    const results = await Promise.all(["RESOLVED", "WAITING_ON_CUSTOMER", "CLOSED"].map((to) => t.gql(TRANSITION, { id: ticket.id, to }, agent.token)));
    const won = results.filter((r) => !r.errors).map((r) => r.data!.transitionTicket.status as string);
    expect(won.length).toBeGreaterThan(0);
    const moves = (await eventsOf(ticket, "ticket.transitioned")).map((e) => e.payload.to);
    expect(moves[0]).toBe("IN_PROGRESS");
    expect(moves.slice(1).sort()).toEqual([...won].sort()); // results come in request order, events in commit order
    expect((await mailTo(t, customer.email, "TICKET_RESOLVED")).filter((m) => m.subject.includes(`[#${ticket.number}]`))).toHaveLength(won.includes("RESOLVED") ? 1 : 0);
  });

  it("rolls back with the transaction: no event, and no resolution email from its subscriber", async () => {
    const ticket = await ticketIn(t, agent.token, customer.token, "IN_PROGRESS");
    const { events, tickets } = t.server.services;
    const failing = events.transaction(scopeAs(t, { id: agent.id, role: Role.AGENT }), async (tx) => {
      await tickets.transition(tx, ticket.id, TicketStatus.RESOLVED);
      throw new Error("something after the transition failed");
    });
    await expect(failing).rejects.toThrow("something after the transition failed");
    expect((await eventsOf(ticket, "ticket.transitioned")).map((e) => e.payload.to)).toEqual(["IN_PROGRESS"]);
    expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, agent.token), "ticket").status).toBe("IN_PROGRESS");
    expect((await mailTo(t, customer.email, "TICKET_RESOLVED")).filter((m) => m.subject.includes(`[#${ticket.number}]`))).toEqual([]);
    // The same move committed: one event, one email.
    await transition(t, agent.token, ticket.id, "RESOLVED");
    expect((await eventsOf(ticket, "ticket.transitioned")).map((e) => [e.payload.to, e.actorId])).toEqual([
      ["IN_PROGRESS", agent.id],
      ["RESOLVED", agent.id],
    ]);
    expect((await mailTo(t, customer.email, "TICKET_RESOLVED")).filter((m) => m.subject.includes(`[#${ticket.number}]`))).toHaveLength(1);
  });
});

describe("the ticket's reaction to a comment (a comment.added subscriber)", () => {
  it("hands a ticket waiting on the customer back when they reply: one transition, by the customer, with the reason", async () => {
    const ticket = await ticketIn(t, agent.token, customer.token, "WAITING_ON_CUSTOMER");
    await comment(t, customer.token, ticket.id, "Here is the photo.");
    await comment(t, customer.token, ticket.id, "And another one.");
    const moves = await eventsOf(ticket, "ticket.transitioned");
    expect(moves.at(-1)).toEqual({
      ...about(ticket),
      type: "ticket.transitioned",
      actorId: customer.id,
      payload: { from: "WAITING_ON_CUSTOMER", to: "IN_PROGRESS", reason: "customer replied" },
    });
    expect(moves.map((e) => e.payload.to)).toEqual(["IN_PROGRESS", "WAITING_ON_CUSTOMER", "IN_PROGRESS"]);
    expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, agent.token), "ticket").status).toBe("IN_PROGRESS");
  });

  it("takes the first public agent reply as the first response, raising no ticket event", async () => {
    const ticket = await openTicket(t, customer.token);
    await comment(t, agent.token, ticket.id, "Internal first", true);
    expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, agent.token), "ticket").firstResponseAt).toBeNull();
    await comment(t, agent.token, ticket.id, "We are on it.");
    expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, agent.token), "ticket").firstResponseAt).not.toBeNull();
    expect((await eventsOf(ticket)).map((e) => e.type)).toEqual(["ticket.created"]);
  });
});
