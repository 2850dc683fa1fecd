import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/api-error.ts";
import CommentEditForm from "./CommentEditForm.svelte";

const conflict = () => new ApiError("graphql", [{ message: "Changed meanwhile", extensions: { code: "CONFLICT" } }]);
const props = { label: "Edit the comment", emptyMessage: "A comment cannot be empty.", oncancel: () => {} };

describe("CommentEditForm", () => {
  it("saves over the version it opened at, even when a newer one arrives meanwhile", async () => {
    const save = vi.fn(async () => {});
    const { rerender } = render(CommentEditForm, { ...props, comment: { id: "c1", body: "Teh driver", version: 2 }, save });
    const user = userEvent.setup();
    await rerender({ comment: { id: "c1", body: "The driver", version: 3 } });

    const box = screen.getByRole("textbox", { name: "Edit the comment" });
    expect(box).toHaveValue("Teh driver");
    await user.clear(box);
    await user.type(box, "The v5 driver");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(save).toHaveBeenCalledWith("The v5 driver", 2);
  });

  it("after a conflict, shows their text above the kept draft and saves over the version now seen", async () => {
    const save = vi.fn<(body: string, basedOn: number) => Promise<void>>().mockRejectedValueOnce(conflict()).mockResolvedValueOnce();
    const onstale = vi.fn(async () => {
      await rerender({ comment: { id: "c1", body: "Their **fix**", version: 5 } });
    });
    const { rerender } = render(CommentEditForm, { ...props, comment: { id: "c1", body: "First", version: 4 }, save, onstale });
    const user = userEvent.setup();

    const box = screen.getByRole("textbox", { name: "Edit the comment" });
    await user.type(box, " and mine");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Someone changed this comment while you were editing.");
    expect(screen.getByText("fix")).toBeInTheDocument();
    expect(box).toHaveValue("First and mine");
    await user.click(screen.getByRole("button", { name: "Save over theirs" }));

    expect(onstale).toHaveBeenCalledTimes(1);
    expect(save.mock.calls).toEqual([
      ["First and mine", 4],
      ["First and mine", 5],
    ]);
  });

  it("without a way to reload, treats a conflict as an error and offers no overwrite", async () => {
    const save = vi.fn(async () => {
      throw conflict();
    });
    render(CommentEditForm, { ...props, comment: { id: "c1", body: "Mine", version: 1 }, save });
    const user = userEvent.setup();

    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(save).toHaveBeenCalledWith("Mine", 1);
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByRole("button", { name: "Save" })).toBeEnabled();
  });
});
