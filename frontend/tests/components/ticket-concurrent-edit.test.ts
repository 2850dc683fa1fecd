import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import TicketPage from "../../src/features/tickets/TicketPage.svelte";
import { useLiveClient, type LiveClient } from "../../src/lib/api/live.svelte.ts";
import { auth } from "../../src/lib/auth/auth.svelte.ts";
import { agent, fakeApi, graphqlError, session } from "../support/fake-api.ts";

const bea = { id: "u-9", displayName: "Bea Agent" };

function ticket(status: string, version: number) {
  return {
    id: "t-1",
    reference: "DQ-1042",
    subject: "Laptop will not boot",
    description: "Black screen.",
    status,
    priority: "HIGH",
    category: null,
    slaBreached: false,
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    createdAt: "2030-01-01T10:00:00.000Z",
    updatedAt: "2030-01-01T10:05:00.000Z",
    version,
    viewerCanEdit: true,
    viewerCanComment: true,
    allowedTransitions: ["RESOLVED"],
    timeToFirstResponse: null,
    timeOpen: 3600,
    requester: { id: "u-1", displayName: "Casey Customer", email: "casey@example.com" },
    assignee: null,
    history: [],
    linkedIssues: [],
    attachments: [],
    comments: { totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, edges: [] },
  };
}

function fakeLive() {
  const sinks: { next(value: unknown): void }[] = [];
  const client: LiveClient = {
    subscribe(_payload, sink) {
      sinks.push({ next: (value) => sink.next(value as never) });
      return () => {};
    },
  };
  return { client, push: (event: Record<string, unknown>) => sinks[0]!.next({ data: { ticketEvents: event } }) };
}

const transitioned = { id: "e-1", type: "ticket.transitioned", position: 8, target: { type: "Ticket", id: "t-1" }, payload: { from: "IN_PROGRESS", to: "RESOLVED" }, actor: bea };

describe("a ticket someone else changes while it is being edited", () => {
  afterEach(() => {
    useLiveClient(null);
    auth.stop();
    auth.expire();
  });

  it("says who changed what before the agent saves, and shows the latest version on request with the draft kept", async () => {
    const live = fakeLive();
    useLiveClient(live.client);
    const api = fakeApi({
      "/auth/refresh": session(agent),
      Ticket: [{ body: { data: { ticket: ticket("IN_PROGRESS", 4) } } }, { body: { data: { ticket: ticket("RESOLVED", 5) } } }],
      AssignableUsers: graphqlError("FORBIDDEN", "Admins only."),
    });
    await auth.start();
    render(TicketPage, { params: { id: "t-1" } });
    await screen.findByRole("heading", { name: "Laptop will not boot" });
    await userEvent.type(screen.getByLabelText("Your reply"), "Try safe mode");

    live.push(transitioned);

    const notice = await screen.findByText("Bea Agent changed this ticket while you were editing: status In progress → Resolved.");
    expect(notice.closest("[aria-live]")).toHaveAttribute("aria-live", "polite");
    // The version being edited stays on screen until asked for: no refetch after the burst.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(api.to("Ticket")).toHaveLength(1);

    await userEvent.click(screen.getByRole("button", { name: "Show the latest version" }));
    await waitFor(() => expect(api.to("Ticket")).toHaveLength(2));
    expect(await screen.findByRole("button", { name: "Mark resolved" })).toBeInTheDocument();
    expect(screen.getByLabelText("Your reply")).toHaveValue("Try safe mode");
    expect(screen.queryByText(/changed this ticket while you were editing/)).toBeNull();
  });

  it("just shows others' changes when nothing is being typed", async () => {
    const live = fakeLive();
    useLiveClient(live.client);
    const api = fakeApi({
      "/auth/refresh": session(agent),
      Ticket: [{ body: { data: { ticket: ticket("IN_PROGRESS", 4) } } }, { body: { data: { ticket: ticket("RESOLVED", 5) } } }],
      AssignableUsers: graphqlError("FORBIDDEN", "Admins only."),
    });
    await auth.start();
    render(TicketPage, { params: { id: "t-1" } });
    await screen.findByRole("heading", { name: "Laptop will not boot" });

    live.push(transitioned);

    await waitFor(() => expect(api.to("Ticket")).toHaveLength(2));
    expect(screen.queryByText(/changed this ticket while you were editing/)).toBeNull();
  });
});
