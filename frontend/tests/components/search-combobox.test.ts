import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import SearchCombobox from "../../src/lib/ui/SearchCombobox.svelte";

const issues = [
  { id: "i-1", key: "ENG-1", title: "Mail relay drops attachments", status: "TODO" },
  { id: "i-2", key: "ENG-2", title: "Relay certificate expires", status: "IN_PROGRESS" },
];

describe("SearchCombobox", () => {
  it("searches as one types and picks an option with the arrow keys and Enter", async () => {
    const search = vi.fn(async () => issues);
    const onpick = vi.fn();
    render(SearchCombobox, { id: "s", label: "Link to issue", delay: 0, search, onpick });
    const box = screen.getByRole("combobox", { name: "Link to issue" });
    expect(box).toHaveAttribute("aria-expanded", "false");

    await userEvent.type(box, "relay");
    await screen.findByRole("option", { name: /ENG-1 Mail relay/ });
    expect(search).toHaveBeenLastCalledWith("relay", expect.any(AbortSignal));
    expect(box).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByRole("status")).toHaveTextContent("2 results");
    expect(box).toHaveAttribute("aria-activedescendant", "s-option-0");

    await userEvent.keyboard("{ArrowDown}");
    expect(box).toHaveAttribute("aria-activedescendant", "s-option-1");
    expect(screen.getByRole("option", { name: /ENG-2/ })).toHaveAttribute("aria-selected", "true");
    await userEvent.keyboard("{Enter}");
    expect(onpick).toHaveBeenCalledWith(issues[1]);
    expect(box).toHaveValue("");
    expect(box).toHaveAttribute("aria-expanded", "false");
  });

  it("says when nothing matches, and closes on Escape", async () => {
    render(SearchCombobox, { id: "s", label: "Link a ticket", delay: 0, search: async () => [], onpick: () => {} });
    const box = screen.getByRole("combobox", { name: "Link a ticket" });
    await userEvent.type(box, "zebra");
    await vi.waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Nothing matches “zebra”."));
    await userEvent.keyboard("{Escape}");
    expect(box).toHaveAttribute("aria-expanded", "false");
  });
});
