import { render, screen, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import Conversation from "../../src/features/tickets/Conversation.svelte";

const requester = { id: "u-1", displayName: "Casey Customer", role: "CUSTOMER" as const };
const agent = { id: "u-2", displayName: "Alex Agent", role: "AGENT" as const };

const comment = (id: string, body: string, internal: boolean, author: typeof requester | typeof agent = agent) => ({
  id,
  body,
  internal,
  author,
  createdAt: "2030-01-01T10:00:00.000Z",
  editedAt: null,
});

describe("Conversation", () => {
  it("marks internal notes so they cannot be mistaken for public replies", () => {
    render(Conversation, {
      requesterId: requester.id,
      comments: [comment("c1", "We are on it.", false), comment("c2", "Probably the **VPN** cert.", true)],
    });

    const note = screen.getByRole("article", { name: "Internal note" });
    expect(within(note).getByText("Internal note")).toBeInTheDocument();
    expect(within(note).getByText("Only agents and admins can see this note.")).toBeInTheDocument();
    expect(note.closest("li")).toHaveClass("internal");

    const reply = screen.getByRole("article", { name: "Reply" });
    expect(within(reply).queryByText("Internal note")).toBeNull();
    expect(reply.closest("li")).not.toHaveClass("internal");
  });

  it("renders Markdown but never runs a stored script", () => {
    (window as unknown as { pwned?: boolean }).pwned = false;
    render(Conversation, {
      requesterId: requester.id,
      comments: [comment("c1", '**Hi** <script>window.pwned = true</script><img src=x onerror="window.pwned = true">', false, requester)],
    });

    const article = screen.getByRole("article", { name: "Reply" });
    expect(article.querySelector("strong")).toHaveTextContent("Hi");
    expect(article.querySelector("script, img")).toBeNull();
    expect((window as unknown as { pwned?: boolean }).pwned).toBe(false);
  });

  it("says so when nobody has replied yet", () => {
    render(Conversation, { requesterId: requester.id, comments: [] });
    expect(screen.getByText("No replies yet.")).toBeInTheDocument();
  });
});
