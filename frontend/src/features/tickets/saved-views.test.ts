import { describe, expect, it } from "vitest";
import { countLabel, filterToSave, reorder } from "./saved-views.ts";

describe("saved views", () => {
  it("saves only the parts of the filter that were chosen", () => {
    expect(filterToSave({ status: ["OPEN"], priority: undefined, search: undefined, assignee: { me: true } })).toEqual({ status: ["OPEN"], assignee: { me: true } });
    expect(filterToSave({ priority: [], search: "" } as never)).toEqual({});
  });

  it("moves a view within its own group and renumbers only what changes", () => {
    const views = [
      { id: "s1", shared: true, position: 0 },
      { id: "s2", shared: true, position: 1 },
      { id: "a", shared: false, position: 0 },
      { id: "b", shared: false, position: 3 },
      { id: "c", shared: false, position: 7 },
    ];
    expect(reorder(views, "c", -1)).toEqual([
      { id: "c", position: 1 },
      { id: "b", position: 2 },
    ]);
    expect(reorder(views, "a", -1)).toEqual([]);
    expect(reorder(views, "s2", 1)).toEqual([]);
    expect(reorder(views, "s1", 1)).toEqual([
      { id: "s2", position: 0 },
      { id: "s1", position: 1 },
    ]);
  });

  it("says how many tickets a tab holds", () => {
    expect(countLabel(1)).toBe("1 ticket");
    expect(countLabel(0)).toBe("0 tickets");
    expect(countLabel(null)).toBe("count unavailable");
  });
});
