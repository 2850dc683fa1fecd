import type { Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { ASSIGN_TICKET, comment, ok, openTicket, TRANSITION, UPDATE_TICKET } from "../tickets/ticket-helpers.js";
import { DESK_EVENTS, liveClient, MY_TICKET_EVENTS, subscribe, subscribersReach, TICKET_EVENTS } from "./live-client.js";

type User = Awaited<ReturnType<TestServer["createUser"]>>;
let t: TestServer;
let customer: User;
let otherCustomer: User;
let agent: User;
const clients: Client[] = [];

beforeAll(async () => {
  t = await startTestServer();
  [customer, otherCustomer, agent] = await Promise.all([t.createUser("CUSTOMER", "Cleo Customer"), t.createUser("CUSTOMER", "Olga Other"), t.createUser("AGENT", "Andy Agent")]);
}, 60_000);
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await subscribersReach(t, 0);
});
afterAll(() => t?.close());

const connect = (token: string) => {
  const client = liveClient(t, token);
  clients.push(client);
  return client;
};
const types = (results: { data?: any }[], field: string) => results.map((r) => r.data?.[field]?.type);

describe("ticketEvents", () => {
  it("delivers another user's public comment to the requester, with its actor and position", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "Laptop will not boot" });
    const feed = subscribe(connect(customer.token), TICKET_EVENTS, { id: ticket.id });
    await subscribersReach(t, 1);

    const reply = await comment(t, agent.token, ticket.id, "Hold the power button for ten seconds.");
    const [result] = await feed.until((r) => r.length >= 1, "the comment");
    expect(result!.errors).toBeUndefined();
    expect(result!.data!.ticketEvents).toEqual({
      id: expect.any(String),
      type: "comment.added",
      occurredAt: expect.any(String),
      position: expect.any(Number),
      visibility: "PUBLIC",
      payload: expect.objectContaining({ subjectId: ticket.id, internal: false, authorRole: "AGENT" }),
      actor: { id: agent.id },
      target: { type: "Comment", id: reply.id },
    });
  });

  it("shows staff status, priority and assignment changes as they are committed, in order", async () => {
    const ticket = await openTicket(t, customer.token);
    const feed = subscribe(connect(customer.token), TICKET_EVENTS, { id: ticket.id });
    await subscribersReach(t, 1);

    ok(await t.gql(ASSIGN_TICKET, { id: ticket.id, a: agent.id }, agent.token), "assignTicket");
    ok(await t.gql(TRANSITION, { id: ticket.id, to: "IN_PROGRESS" }, agent.token), "transitionTicket");
    ok(await t.gql(UPDATE_TICKET, { id: ticket.id, i: { priority: "HIGH" } }, agent.token), "updateTicket");
    const results = await feed.until((r) => r.length >= 3, "three changes");
    expect(types(results, "ticketEvents")).toEqual(["ticket.assigned", "ticket.transitioned", "ticket.updated"]);
    const positions = results.map((r) => r.data!.ticketEvents.position as number);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(results[1]!.data!.ticketEvents.payload).toMatchObject({ from: "OPEN", to: "IN_PROGRESS" });
  });

  it("never gives a customer an internal note, while staff receive it", async () => {
    const ticket = await openTicket(t, customer.token);
    const customerFeed = subscribe(connect(customer.token), TICKET_EVENTS, { id: ticket.id });
    const mine = subscribe(connect(customer.token), MY_TICKET_EVENTS);
    const staffFeed = subscribe(connect(agent.token), TICKET_EVENTS, { id: ticket.id });
    await subscribersReach(t, 3);

    await comment(t, agent.token, ticket.id, "Internal: the customer is on the old cluster", true);
    const reply = await comment(t, agent.token, ticket.id, "We are on it.");
    // The public reply was committed after the note: once it arrived, the note would have too.
    await customerFeed.until((r) => r.length >= 1, "the public reply");
    await mine.until((r) => r.length >= 1, "the public reply on my tickets");
    const staff = await staffFeed.until((r) => r.length >= 2, "both comments");

    expect(customerFeed.results.map((r) => r.data!.ticketEvents.target.id)).toEqual([reply.id]);
    expect(mine.results.map((r) => r.data!.myTicketEvents.target.id)).toEqual([reply.id]);
    expect(staff.map((r) => r.data!.ticketEvents.visibility)).toEqual(["STAFF", "PUBLIC"]);
  });

  it("answers NOT_FOUND for another customer's ticket, as the ticket query does", async () => {
    const ticket = await openTicket(t, customer.token);
    const feed = subscribe(connect(otherCustomer.token), TICKET_EVENTS, { id: ticket.id });
    expect(await feed.refused()).toBe("NOT_FOUND");
  });
});

describe("myTicketEvents", () => {
  it("tells a customer of their own tickets only, a new one included", async () => {
    const feed = subscribe(connect(customer.token), MY_TICKET_EVENTS);
    await subscribersReach(t, 1);
    await openTicket(t, otherCustomer.token, { subject: "Someone else's" });
    const own = await openTicket(t, customer.token, { subject: "Mine" });
    const [result] = await feed.until((r) => r.length >= 1, "my new ticket");
    expect(result!.data!.myTicketEvents).toMatchObject({ type: "ticket.created", target: { type: "Ticket", id: own.id }, payload: { subject: "Mine" } });
    // The other customer's ticket came first and was not delivered.
    expect(feed.results).toHaveLength(1);
  });
});

describe("deskEvents", () => {
  it("shows staff a ticket a customer opens, and other activity in the queue", async () => {
    const feed = subscribe(connect(agent.token), DESK_EVENTS, { f: { types: ["ticket.created", "ticket.assigned"] } });
    await subscribersReach(t, 1);
    const ticket = await openTicket(t, customer.token, { subject: "New in the queue" });
    await comment(t, customer.token, ticket.id, "Any news?"); // not asked for
    ok(await t.gql(ASSIGN_TICKET, { id: ticket.id, a: agent.id }, agent.token), "assignTicket");
    const results = await feed.until((r) => r.length >= 2, "creation and assignment");
    expect(types(results, "deskEvents")).toEqual(["ticket.created", "ticket.assigned"]);
    expect(results[0]!.data!.deskEvents).toMatchObject({ target: { id: ticket.id }, payload: { subject: "New in the queue", requesterId: customer.id }, actor: { id: customer.id } });
  });

  it("is refused to customers (FORBIDDEN) and rejects unknown event types", async () => {
    const refused = subscribe(connect(customer.token), DESK_EVENTS);
    expect(await refused.refused()).toBe("FORBIDDEN");
    const bad = subscribe(connect(agent.token), DESK_EVENTS, { f: { types: ["user.deactivated"] } });
    expect(await bad.refused()).toBe("BAD_USER_INPUT");
  });
});
