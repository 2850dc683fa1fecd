import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { comment, openTicket } from "../tickets/ticket-helpers.js";
import { liveClient, subscribe, subscribersReach, TICKET_EVENTS, type Feed } from "./live-client.js";

/**
 * A reconnect storm: every client of a restarted replica connects and subscribes at once. Each
 * set-up looks its credential and ticket up in the database; on a small pool with a short acquire
 * timeout the burst must queue in the server (server/subscribe-gate.ts), not fail as 503s, and an
 * event's actor is read once for all subscribers, not once per socket (subscription.resolver.ts).
 */
const SOCKETS = 60;
let t: TestServer;
const clients: Client[] = [];

beforeAll(async () => {
  t = await startTestServer({ env: { DATABASE_POOL_MAX: "2", DATABASE_ACQUIRE_TIMEOUT_MS: "250", SUBSCRIPTION_SOCKETS_PER_USER: String(SOCKETS) } });
}, 60_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t?.close();
});

describe("a burst of subscriptions", () => {
  it(`sets up ${SOCKETS} subscriptions sent at once, and each hears the next comment`, { timeout: 60_000 }, async () => {
    const customer = await t.createUser("CUSTOMER");
    const agent = await t.createUser("AGENT");
    const ticket = await openTicket(t, customer.token, { subject: "Everyone is watching this one" });
    const feeds: Feed[] = [];
    for (let i = 0; i < SOCKETS; i++) {
      const client = liveClient(t, agent.token);
      clients.push(client);
      feeds.push(subscribe(client, TICKET_EVENTS, { id: ticket.id }));
    }
    await subscribersReach(t, SOCKETS, 30_000);
    expect(feeds.filter((f) => f.error !== undefined)).toHaveLength(0);

    const reply = await comment(t, customer.token, ticket.id, "Any news?");
    for (const feed of feeds) {
      const [result] = await feed.until((r) => r.length >= 1, "the comment", 20_000);
      expect(result!.errors).toBeUndefined();
      expect(result!.data!.ticketEvents).toMatchObject({ type: "comment.added", target: { id: reply.id } });
    }
  });
});
