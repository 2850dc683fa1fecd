import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Queue from "../../src/features/tickets/Queue.svelte";
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
  slaBreached: n === 2,
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

describe("Agent queue", () => {
  beforeEach(async () => {
    router.navigate("/queue", {}, { replace: true });
  });

  afterEach(() => {
    auth.stop();
    auth.expire();
  });

  it("asks for unassigned active tickets by default", async () => {
    const api = fakeApi({ "/auth/refresh": session(agent), Tickets: page([ticket(1)]) });
    await auth.start();
    render(Queue);

    await screen.findByText("Ticket number 1");
    const [call] = api.to("Tickets");
    expect(call?.body.variables.filter).toMatchObject({
      assignee: { unassigned: true },
      status: ["OPEN", "IN_PROGRESS", "WAITING_ON_CUSTOMER"],
    });
    expect(screen.getByText("SLA breached", { selector: "a" })).toHaveAttribute("href", expect.stringContaining("view=breached"));
  });

  it("moves through tickets with j and k and opens one with Enter", async () => {
    fakeApi({ "/auth/refresh": session(agent), Tickets: page([ticket(1), ticket(2), ticket(3)]) });
    await auth.start();
    render(Queue);
    await screen.findByText("Ticket number 1");
    const user = userEvent.setup();
    (document.activeElement as HTMLElement | null)?.blur();

    await user.keyboard("j");
    expect(document.activeElement).toHaveTextContent("Ticket number 1");
    await user.keyboard("jj");
    expect(document.activeElement).toHaveTextContent("Ticket number 3");
    await user.keyboard("k");
    expect(document.activeElement).toHaveTextContent("Ticket number 2");
    expect(document.activeElement?.closest("li")).toHaveClass("selected");

    (document.activeElement as HTMLElement).blur();
    await user.keyboard("{Enter}");
    expect(router.path).toBe("/tickets/t-2");
  });

  it("leaves j and k alone while typing in a filter", async () => {
    fakeApi({ "/auth/refresh": session(agent), Tickets: page([ticket(1)]) });
    await auth.start();
    render(Queue);
    await screen.findByText("Ticket number 1");
    const user = userEvent.setup();

    await user.type(screen.getByLabelText("Search"), "jk");

    expect(screen.getByLabelText("Search")).toHaveValue("jk");
    expect(document.querySelector("li.selected")).toBeNull();
  });

  it("shows an empty state when nothing is waiting", async () => {
    fakeApi({ "/auth/refresh": session(agent), Tickets: page([]) });
    await auth.start();
    render(Queue);

    expect(await screen.findByText("Nothing here")).toBeInTheDocument();
  });
});
