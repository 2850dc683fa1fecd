import { describe, expect, it } from "vitest";
import { describeChange, emptySelection, pageState, togglePage, toggleRow } from "./bulk-selection.ts";

const rows = ["a", "b", "c", "d", "e"];

describe("the queue's bulk selection", () => {
  it("toggles one row, then a shift-click range from it", () => {
    let s = toggleRow(emptySelection(), rows, 1, false);
    expect([...s.ids]).toEqual(["b"]);
    s = toggleRow(s, rows, 3, true);
    expect([...s.ids].sort()).toEqual(["b", "c", "d"]);
    s = toggleRow(s, rows, 2, true); // c is on: the range from d to c goes off
    expect([...s.ids].sort()).toEqual(["b"]);
  });

  it("selects the whole page, then clears it, keeping other pages' rows", () => {
    let s = toggleRow(emptySelection(), ["x"], 0, false);
    s = togglePage(s, rows);
    expect(pageState(s, rows)).toBe("all");
    expect(s.ids.has("x")).toBe(true);
    s = togglePage(s, rows);
    expect(pageState(s, rows)).toBe("none");
    expect([...s.ids]).toEqual(["x"]);
  });

  it("describes planned changes with names", () => {
    const names = new Map([["u1", "Alice"]]);
    expect(describeChange({ field: "assignee", from: null, to: "u1" }, names)).toBe("assignee nobody → Alice");
    expect(describeChange({ field: "status", from: "OPEN", to: "IN_PROGRESS" }, names)).toBe("status OPEN → IN_PROGRESS");
    expect(describeChange({ field: "comment", from: null, to: "internal note" }, names)).toBe("adds an internal note");
  });
});
