import { render, screen } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Queue from "../../src/features/tickets/Queue.svelte";
import { useLiveClient, type LiveClient } from "../../src/lib/api/live.svelte.ts";
import { auth } from "../../src/lib/auth/auth.svelte.ts";
import { router } from "../../src/lib/router/router.svelte.ts";
import { agent, fakeApi, session } from "../support/fake-api.ts";

const ticket = (n: number) => ({
  id: `t-${n}`,
  reference: `DQ-${n}`,
  subject: `Ticket number ${n}`,
  status: "OPEN",
  priority: "NORMAL",
  category: null,
  slaBreached: false,
  createdAt: "2030-01-01T10:00:00.000Z",
  updatedAt: "2030-01-01T10:00:00.000Z",
  requester: { id: "u-1", displayName: "Casey Customer" },
  assignee: null,
});

const page = (tickets: ReturnType<typeof ticket>[]) => ({
  body: {
    data: {
      tickets: {
        totalCount: tickets.length,
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: "a", endCursor: "b" },
        edges: tickets.map((node) => ({ cursor: node.id, node })),
      },
    },
  },
});

/** A graphql-ws client stand-in: records subscriptions and lets the test push events. */
function fakeLive() {
  const subscriptions: { query: string; next(value: unknown): void; active: boolean }[] = [];
  const client: LiveClient = {
    subscribe(payload, sink) {
      const entry = { query: payload.query, next: (value: unknown) => sink.next(value as never), active: true };
      subscriptions.push(entry);
      return () => (entry.active = false);
    },
  };
  return { client, subscriptions };
}

describe("the live queue", () => {
  beforeEach(() => router.navigate("/queue", {}, { replace: true }));
  afterEach(() => {
    useLiveClient(null);
    auth.stop();
    auth.expire();
  });

  it("subscribes to the desk's events and reads the page again when one arrives", async () => {
    const live = fakeLive();
    useLiveClient(live.client);
    const api = fakeApi({ "/auth/refresh": session(agent), Tickets: [page([ticket(1)]), page([ticket(2), ticket(1)])] });
    await auth.start();
    const view = render(Queue);
    await screen.findByText("Ticket number 1");

    expect(live.subscriptions.map((s) => s.query)).toEqual([expect.stringContaining("deskEvents")]);
    live.subscriptions[0]!.next({ data: { deskEvents: { id: "e-1", type: "ticket.created", position: 7, target: { type: "Ticket", id: "t-2" } } } });

    await screen.findByText("Ticket number 2");
    expect(api.to("Tickets")).toHaveLength(2);
    view.unmount();
    expect(live.subscriptions[0]!.active).toBe(false);
  });
});
