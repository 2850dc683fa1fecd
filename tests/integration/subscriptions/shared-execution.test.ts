import type { Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { comment, openTicket } from "../tickets/ticket-helpers.js";
import { liveClient, subscribe, subscribersReach, type Feed } from "./live-client.js";

/**
 * An event is executed once per operation and viewer class and its result written to every
 * socket of the class (server/subscription-fanout.ts): what each subscriber receives must stay
 * exactly what it would receive alone.
 */
type User = Awaited<ReturnType<TestServer["createUser"]>>;
let t: TestServer;
let customer: User;
let andy: User;
let bea: User;
const clients: Client[] = [];

beforeAll(async () => {
  t = await startTestServer();
  [customer, andy, bea] = await Promise.all([t.createUser("CUSTOMER", "Cleo Customer"), t.createUser("AGENT", "Andy Agent"), t.createUser("AGENT", "Bea Agent")]);
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
const events = (feed: Feed) => feed.results.map((r) => r.data?.ticketEvents).filter(Boolean);
const codes = (feed: Feed) => feed.results.flatMap((r) => (r.errors ?? []).map((e) => `${(e.path ?? []).join(".")}:${String(e.extensions?.code)}`));

describe("one execution per viewer class", () => {
  it("gives subscribers of different visibility on the same event their own payloads, each class executed once", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "VPN drops every hour" });
    const watch = (user: User) => [0, 1].map(() => subscribe(connect(user.token), ACTOR_DETAILS, { id: ticket.id }));
    const [customers, actors, others] = [watch(customer), watch(andy), watch(bea)];
    await subscribersReach(t, 6);
    const executionsBefore = t.server.app.liveSockets.executions;

    const note = await comment(t, andy.token, ticket.id, "Internal: their VPN profile is the old one", true);
    const reply = await comment(t, andy.token, ticket.id, "Please reinstall the VPN profile.");
    const heardReply = (feed: Feed) => events(feed).some((e) => e.target.id === reply.id);
    await Promise.all([...customers, ...actors, ...others].map((feed) => feed.until(() => heardReply(feed), "the public reply")));

    // The customer: the public reply only, never the note; the agent's email is not theirs to see.
    for (const feed of customers) {
      expect(events(feed).map((e) => e.target.id)).toEqual([reply.id]);
      expect(events(feed)[0]).toMatchObject({ visibility: "PUBLIC", actor: null });
      expect(codes(feed)).toEqual(["ticketEvents.actor.email:FORBIDDEN"]);
    }
    // The actor may see their own email and sign-in record (no error), on the note too.
    for (const feed of actors) {
      expect(events(feed).map((e) => e.target.id)).toEqual(expect.arrayContaining([note.id, reply.id]));
      for (const event of events(feed).filter((e) => e.type === "comment.added")) expect(event.actor).toMatchObject({ id: andy.id, email: andy.email });
      expect(codes(feed)).toEqual([]);
    }
    // Another agent sees the email, not another user's sign-in record.
    for (const feed of others) {
      expect(events(feed).map((e) => e.target.id)).toEqual(expect.arrayContaining([note.id, reply.id]));
      for (const event of events(feed).filter((e) => e.type === "comment.added")) expect(event.actor).toEqual({ id: andy.id, email: andy.email, lastLoginAt: null });
      expect(codes(feed).length).toBeGreaterThanOrEqual(2);
      expect(codes(feed).every((c) => c === "ticketEvents.actor.lastLoginAt:FORBIDDEN")).toBe(true);
    }
    // Both sockets of a class received the same results, and each class's event was executed once.
    for (const [a, b] of [customers, actors, others]) expect(a!.results).toEqual(b!.results);
    const classesHeard = [customers[0]!, actors[0]!, others[0]!].reduce((n, feed) => n + events(feed).length, 0);
    expect(t.server.app.liveSockets.executions - executionsBefore).toBe(classesHeard);
  });

  it("writes each event exactly once to every one of N subscribers of one class, in commit order", async () => {
    const agents = await Promise.all([1, 2, 3, 4].map((n) => t.createUser("AGENT", `Agent ${n}`)));
    const ticket = await openTicket(t, customer.token, { subject: "Monitor flickers" });
    const feeds = agents.flatMap((agent) => [0, 1, 2].map(() => subscribe(connect(agent.token), POSITIONS, { id: ticket.id })));
    await subscribersReach(t, feeds.length);
    const executionsBefore = t.server.app.liveSockets.executions;

    const replies = [];
    for (let n = 0; n < 5; n++) replies.push(await comment(t, customer.token, ticket.id, `Still flickering (${n})`));
    // A last event committed after them: once it arrived everywhere, anything sent twice would have too.
    const last = await comment(t, customer.token, ticket.id, "Last one.");
    await Promise.all(feeds.map((feed) => feed.until(() => events(feed).some((e) => e.target.id === last.id), "the last comment")));

    const expected = events(feeds[0]!);
    expect(expected.filter((e) => e.type === "comment.added").map((e) => e.target.id)).toEqual([...replies, last].map((r) => r.id));
    expect(new Set(expected.map((e) => e.id)).size).toBe(expected.length);
    const positions = expected.map((e) => e.position as number);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const feed of feeds) {
      expect(feed.results.every((r) => !r.errors)).toBe(true);
      expect(events(feed)).toEqual(expected);
    }
    expect(t.server.app.liveSockets.executions - executionsBefore).toBe(expected.length);
  });
});

const ACTOR_DETAILS = `subscription($id: ID!) { ticketEvents(ticketId: $id) { id type visibility target { id } actor { id email lastLoginAt } } }`;
const POSITIONS = `subscription($id: ID!) { ticketEvents(ticketId: $id) { id type position target { id } } }`;
