import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { auth } from "../../src/lib/auth/auth.svelte.ts";
import { fakeApi, session } from "../support/fake-api.ts";
import Conversation from "../../src/features/tickets/Conversation.svelte";

const requester = { id: "u-1", displayName: "Casey Customer", role: "CUSTOMER" as const };
const agent = { id: "u-2", displayName: "Alex Agent", role: "AGENT" as const };

const comment = (id: string, body: string, internal: boolean, author: typeof requester | typeof agent = agent) => ({
  id,
  body,
  internal,
  author,
  version: 1,
  viewerCanEdit: false,
  createdAt: "2030-01-01T10:00:00.000Z",
  editedAt: null as string | null,
  source: "WEB" as "WEB" | "EMAIL",
  attachments: [] as { id: string; fileName: string; size: number; contentType: string; url: string; thumbnailUrl: string | null; isImage: boolean }[],
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

  it("labels a reply that came by email", () => {
    render(Conversation, { requesterId: requester.id, comments: [{ ...comment("c1", "Sent from my phone", false, requester), source: "EMAIL" as const }, comment("c2", "Typed here", false)] });
    const [byMail, typed] = screen.getAllByRole("article", { name: "Reply" });
    expect(within(byMail!).getByText("by email")).toBeInTheDocument();
    expect(within(typed!).queryByText("by email")).toBeNull();
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

  describe("editing", () => {
    afterEach(() => {
      auth.stop();
      auth.expire();
    });

    it("lets the author correct a reply, sending the version it was shown at", async () => {
      const mine = { ...comment("c1", "Teh printer is down.", false, requester), viewerCanEdit: true, version: 3 };
      const api = fakeApi({
        "/auth/refresh": session({ ...requester, email: "casey@example.com" }),
        EditComment: { body: { data: { editComment: { ...mine, body: "The printer is down.", version: 4, editedAt: "2030-01-01T10:01:00.000Z" } } } },
      });
      await auth.start();
      const onchanged = vi.fn();
      render(Conversation, { requesterId: requester.id, comments: [mine], onchanged });
      const user = userEvent.setup();

      await user.click(screen.getByRole("button", { name: "Edit" }));
      const box = screen.getByRole("textbox", { name: "Edit your message" });
      await user.clear(box);
      await user.type(box, "The printer is down.");
      await user.click(screen.getByRole("button", { name: "Save" }));

      expect(api.to("EditComment")[0]?.body.variables).toEqual({ id: "c1", body: "The printer is down.", expectedVersion: 3 });
      expect(onchanged).toHaveBeenCalledWith(expect.objectContaining({ body: "The printer is down.", version: 4 }));
    });

    it("offers no edit controls on other people's messages", () => {
      render(Conversation, { requesterId: requester.id, comments: [comment("c1", "Hello", false)] });
      expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
      expect(screen.queryByRole("button", { name: "Delete" })).toBeNull();
    });
  });

  it("says so when nobody has replied yet", () => {
    render(Conversation, { requesterId: requester.id, comments: [] });
    expect(screen.getByText("No replies yet.")).toBeInTheDocument();
  });
});
