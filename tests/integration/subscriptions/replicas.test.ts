import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onSqlite } from "../../support/dialect.js";
import type { TestServer } from "../../support/server.js";
import { startReplicas, type Replicas } from "../replicas/support.js";
import { comment, openTicket } from "../tickets/ticket-helpers.js";
import { liveClient, subscribe, subscribersReach, TICKET_EVENTS } from "./live-client.js";

/**
 * A subscriber on replica B hears what replica A commits: B's event tail reads the events table
 * (here by polling, without Redis) and hands A's events to B's subscriptions (db/event-tail.ts
 * -> events.onReplicated -> the subscription hub).
 */
describe.skipIf(onSqlite)("subscriptions across replicas (the embedded database is one process)", () => {
  let r: Replicas;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    r = await startReplicas({ EVENTS_POLL_MS: "200" });
    ({ a, b } = r);
  }, 90_000);
  afterAll(() => r?.close());

  it("delivers a comment written on A to a subscriber on B", async () => {
    const [customer, agent] = await Promise.all([a.createUser("CUSTOMER"), a.createUser("AGENT")]);
    const ticket = await openTicket(a, customer.token);
    const client = liveClient(b, customer.token);
    try {
      const feed = subscribe(client, TICKET_EVENTS, { id: ticket.id });
      await subscribersReach(b, 1);
      const reply = await comment(a, agent.token, ticket.id, "Answered on replica A");
      // The ticket's creation may arrive too: B's tail relays what A committed since B last read.
      const arrived = (results: { data?: any }[]) => results.find((r) => r.data?.ticketEvents?.type === "comment.added");
      const results = await feed.until((all) => !!arrived(all), "A's comment on B");
      expect(arrived(results)!.data.ticketEvents).toMatchObject({ target: { id: reply.id }, actor: { id: agent.id } });
    } finally {
      await client.dispose();
    }
  });
});
