import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import TicketPage from "../../src/features/tickets/TicketPage.svelte";
import { auth } from "../../src/lib/auth/auth.svelte.ts";
import { agent, customer, fakeApi, graphqlError, session } from "../support/fake-api.ts";

function ticket(overrides: Record<string, unknown> = {}) {
  return {
    id: "t-1",
    reference: "#1042",
    subject: "Laptop will not boot",
    description: "Black screen after the **update**.",
    status: "WAITING_ON_CUSTOMER",
    priority: "HIGH",
    category: "Hardware",
    slaBreached: false,
    slaState: "PAUSED",
    slaSecondsLeft: 3600,
    slaDueAt: "2030-01-01T18:00:00.000Z",
    attachments: [],
    firstResponseAt: "2030-01-01T10:05:00.000Z",
    resolvedAt: null,
    closedAt: null,
    createdAt: "2030-01-01T10:00:00.000Z",
    updatedAt: "2030-01-01T10:05:00.000Z",
    version: 4,
    viewerCanEdit: true,
    viewerCanComment: true,
    allowedTransitions: ["OPEN", "CLOSED"],
    timeToFirstResponse: 300,
    timeOpen: 3600,
    requester: { id: customer.id, displayName: customer.displayName, email: customer.email },
    assignee: { id: agent.id, displayName: agent.displayName },
    history: [],
    comments: {
      totalCount: 1,
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: "c", endCursor: "c" },
      edges: [
        {
          cursor: "c",
          node: {
            id: "c-1",
            body: "Please hold the power button for 10 seconds.",
            internal: false,
            version: 1,
            viewerCanEdit: false,
            createdAt: "2030-01-01T10:05:00.000Z",
            editedAt: null,
            attachments: [],
            author: { id: agent.id, displayName: agent.displayName, role: "AGENT" },
          },
        },
      ],
    },
    ...overrides,
  };
}

describe("Ticket page", () => {
  afterEach(() => {
    auth.stop();
    auth.expire();
  });

  it("shows a customer the conversation and only the status changes the server allows", async () => {
    const api = fakeApi({ "/auth/refresh": session(customer), Ticket: { body: { data: { ticket: ticket() } } } });
    await auth.start();
    render(TicketPage, { params: { id: "t-1" } });

    expect(await screen.findByRole("heading", { name: "Laptop will not boot" })).toBeInTheDocument();
    expect(screen.getByText("Please hold the power button for 10 seconds.")).toBeInTheDocument();
    const actions = screen.getByRole("group", { name: "Change status" });
    expect(within(actions).getAllByRole("button").map((b) => b.textContent?.trim())).toEqual(["Mark open", "Withdraw ticket"]);
    // Customers neither see triage controls nor ask for the desk's internal issue links.
    expect(screen.queryByLabelText("Assignee")).toBeNull();
    expect(screen.queryByRole("radio", { name: "Internal note" })).toBeNull();
    expect(api.to("Ticket")[0]?.body.variables).toMatchObject({ id: "t-1", staff: false });
  });

  it("reopens a resolved ticket with the version it was shown at", async () => {
    const resolved = ticket({ status: "RESOLVED", allowedTransitions: ["OPEN", "CLOSED"] });
    const api = fakeApi({
      "/auth/refresh": session(customer),
      Ticket: { body: { data: { ticket: resolved } } },
      TransitionTicket: { body: { data: { transitionTicket: { ...resolved, status: "OPEN", version: 5, allowedTransitions: ["CLOSED"] } } } },
    });
    await auth.start();
    render(TicketPage, { params: { id: "t-1" } });

    await userEvent.click(await screen.findByRole("button", { name: "Reopen" }));

    expect(api.to("TransitionTicket")[0]?.body.variables).toEqual({ id: "t-1", to: "OPEN", expectedVersion: 4, staff: false });
    expect(await screen.findByRole("button", { name: "Withdraw ticket" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Reopen" })).toBeNull();
  });

  it("gives agents triage controls and the choice of an internal note", async () => {
    const api = fakeApi({
      "/auth/refresh": session(agent),
      Ticket: { body: { data: { ticket: ticket({ linkedIssues: [{ id: "i-1", key: "OPS-7", title: "Firmware rollout", status: "IN_PROGRESS" }] }) } } },
      AssignableUsers: graphqlError("FORBIDDEN", "Admins only."),
    });
    await auth.start();
    render(TicketPage, { params: { id: "t-1" } });

    expect(await screen.findByLabelText("Assignee")).toHaveValue(agent.id);
    expect(screen.getByLabelText("Priority")).toHaveValue("HIGH");
    expect(screen.getByRole("link", { name: /OPS-7/ })).toHaveAttribute("href", "#/issues/OPS-7");
    expect(screen.getByRole("radio", { name: "Internal note" })).toBeInTheDocument();
    // The agent directory is admin-only: agents still get themselves, silently.
    expect(screen.queryByText(/Could not load the list of agents/)).toBeNull();
    expect(api.to("Ticket")[0]?.body.variables).toMatchObject({ staff: true });
  });

  it("shows the server's reason when the ticket cannot be loaded", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    fakeApi({ "/auth/refresh": session(customer), Ticket: graphqlError("NOT_FOUND", 'Ticket "t-9" was not found.') });
    await auth.start();
    render(TicketPage, { params: { id: "t-9" } });

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("This ticket could not be loaded.");
    expect(alert).toHaveTextContent('Ticket "t-9" was not found.');
  });
});
