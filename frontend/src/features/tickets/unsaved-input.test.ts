import { afterEach, describe, expect, it } from "vitest";
import { trackUnsavedInput } from "./unsaved-input.ts";

function type(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  el.dispatchEvent(new FocusEvent("focusin", { bubbles: true }));
  el.value = value;
}

describe("unsaved input on a page", () => {
  afterEach(() => document.body.replaceChildren());

  it("counts text typed into any field, and not a field returned to what it held", () => {
    const root = document.createElement("div");
    root.innerHTML = `<textarea id="reply"></textarea><textarea id="edit">Old comment</textarea><input type="checkbox" id="box" />`;
    document.body.append(root);
    const tracker = trackUnsavedInput(root);
    const reply = root.querySelector<HTMLTextAreaElement>("#reply")!;
    const edit = root.querySelector<HTMLTextAreaElement>("#edit")!;

    expect(tracker.dirty()).toBe(false);
    type(edit, "Old comment");
    expect(tracker.dirty()).toBe(false);
    type(reply, "Half a reply");
    expect(tracker.dirty()).toBe(true);
    // Sent: the reply box empties itself.
    reply.value = "";
    expect(tracker.dirty()).toBe(false);
    edit.value = "Old comment, corrected";
    expect(tracker.dirty()).toBe(true);
    // Saved: the editor leaves the page.
    edit.remove();
    expect(tracker.dirty()).toBe(false);
    tracker.destroy();
  });
});
