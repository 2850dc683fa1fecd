import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { auditTrail, storedEvents } from "../issues/desk-fixtures.js";
import { ADD_COMMENT, GET_TICKET, ok, openTicket, ticketIn, type Ticket } from "../tickets/ticket-helpers.js";

/**
 * Replies that move their ticket (the first staff reply records the first response, a customer's
 * reply hands a ticket waiting on them back to the desk) all succeed when they arrive together:
 * the ticket changes once, and no reply is refused for a race its author did not make.
 */
type User = Awaited<ReturnType<TestServer["createUser"]>>;
let t: TestServer;
let customer: User;
let agents: User[];

const REPLIES = 20;

beforeAll(async () => {
  t = await startTestServer();
  customer = await t.createUser("CUSTOMER", "Rita Requester");
  agents = await Promise.all([1, 2, 3, 4].map((n) => t.createUser("AGENT", `Agent ${n}`)));
}, 60_000);
afterAll(() => t?.close());

const reply = (token: string, ticket: Ticket, n: number) => t.gql(ADD_COMMENT, { i: { subjectId: ticket.id, body: `Reply ${n}` } }, token);
const read = async (ticket: Ticket) => ok<Ticket>(await t.gql(GET_TICKET, { id: ticket.id }, customer.token), "ticket");

describe(`${REPLIES} concurrent replies on one ticket`, () => {
  it("all succeed as first staff replies, and the first response is recorded once", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "Everyone answers at once" });
    expect(ticket.firstResponseAt).toBeNull();
    const results = await Promise.all(Array.from({ length: REPLIES }, (_, n) => reply(agents[n % agents.length]!.token, ticket, n)));
    expect(results.map((r) => r.errors?.[0]?.extensions?.code ?? "OK")).toEqual(Array(REPLIES).fill("OK"));

    const after = await read(ticket);
    expect(after).toMatchObject({ status: "OPEN", version: ticket.version + 1 });
    expect(after.firstResponseAt).not.toBeNull();
    expect(after.timeToFirstResponse).not.toBeNull();
    expect(await storedEvents(t, { type: "comment.added" }).then((events) => events.filter((e) => e.refs.ticketId === ticket.id))).toHaveLength(REPLIES);
    expect(await storedEvents(t, { type: "ticket.transitioned", targetId: ticket.id })).toEqual([]);
  });

  it("all succeed as customer replies to a ticket waiting on the customer, which moves once", async () => {
    const ticket = await ticketIn(t, agents[0]!.token, customer.token, "WAITING_ON_CUSTOMER");
    const before = (await storedEvents(t, { type: "ticket.transitioned", targetId: ticket.id })).length;
    const auditedBefore = (await auditTrail(t, ticket.id)).filter((a) => a.action === "TICKET_TRANSITIONED").length;

    const results = await Promise.all(Array.from({ length: REPLIES }, (_, n) => reply(customer.token, ticket, n)));
    expect(results.map((r) => r.errors?.[0]?.extensions?.code ?? "OK")).toEqual(Array(REPLIES).fill("OK"));

    const after = await read(ticket);
    expect(after).toMatchObject({ status: "IN_PROGRESS", version: ticket.version + 1 });
    const moves = (await storedEvents(t, { type: "ticket.transitioned", targetId: ticket.id })).slice(before);
    expect(moves.map((e) => e.payload)).toEqual([{ from: "WAITING_ON_CUSTOMER", to: "IN_PROGRESS", reason: "customer replied" }]);
    expect(moves[0]!.actorId).toBe(customer.id);
    const audited = (await auditTrail(t, ticket.id)).filter((a) => a.action === "TICKET_TRANSITIONED");
    expect(audited).toHaveLength(auditedBefore + 1);
    expect(audited.at(-1)).toMatchObject({ actorId: customer.id, details: { from: "WAITING_ON_CUSTOMER", to: "IN_PROGRESS" } });
  });

  it("all succeed when staff and the customer reply together to a ticket waiting on the customer", async () => {
    const ticket = await ticketIn(t, agents[0]!.token, customer.token, "WAITING_ON_CUSTOMER");
    const before = (await storedEvents(t, { type: "ticket.transitioned", targetId: ticket.id })).length;
    const results = await Promise.all(Array.from({ length: REPLIES }, (_, n) => reply(n % 2 ? customer.token : agents[n % agents.length]!.token, ticket, n)));
    expect(results.map((r) => r.errors?.[0]?.extensions?.code ?? "OK")).toEqual(Array(REPLIES).fill("OK"));
    const after = await read(ticket);
    expect(after.status).toBe("IN_PROGRESS");
    // At most two real changes: the first response (unless a transition recorded it already) and the move.
    const moves = (await storedEvents(t, { type: "ticket.transitioned", targetId: ticket.id })).slice(before);
    expect(moves).toHaveLength(1);
    expect(after.version - ticket.version).toBeLessThanOrEqual(2);
    expect(after.firstResponseAt).not.toBeNull();
  });
});
