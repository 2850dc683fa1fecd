import { describe, expect, it } from "vitest";
import { isShortcutPress, shortcutsFor } from "./shortcuts.ts";

describe("keyboard shortcuts", () => {
  it("lists the staff screens' keys for staff only", () => {
    const keys = (staff: boolean) => shortcutsFor(staff).flatMap((g) => g.shortcuts.map((s) => s.keys.join("+")));
    expect(keys(true)).toEqual(expect.arrayContaining(["?", "j", "k", "Enter", "/", "r", "a", "Shift+A"]));
    expect(keys(false)).toEqual(["?", "Esc", "r"]);
  });

  it("never takes a key typed into a text field or pressed with a modifier", () => {
    const input = document.createElement("input");
    const textarea = document.createElement("textarea");
    const press = (target: EventTarget, init: KeyboardEventInit = {}) => {
      const event = new KeyboardEvent("keydown", { key: "r", bubbles: true, ...init });
      Object.defineProperty(event, "target", { value: target });
      return isShortcutPress(event);
    };
    expect(press(document.body)).toBe(true);
    expect(press(input)).toBe(false);
    expect(press(textarea)).toBe(false);
    expect(press(document.body, { ctrlKey: true })).toBe(false);
  });
});
