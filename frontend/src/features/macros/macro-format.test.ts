import { describe, expect, it } from "vitest";
import { describeActions, describeChange } from "./macro-format.ts";

describe("macro-format", () => {
  it("describes a preview's changes in words", () => {
    expect(describeChange({ kind: "STATUS", from: "IN_PROGRESS", to: "RESOLVED" })).toBe("Status: In progress → Resolved");
    expect(describeChange({ kind: "ASSIGNEE", from: null, to: "Alice" })).toBe("Assignee: nobody → Alice");
    expect(describeChange({ kind: "TAGS", from: "", to: "vpn" })).toBe("Tags: none → vpn");
    expect(describeChange({ kind: "REPLY", to: "x".repeat(130) })).toBe(`Reply: “${"x".repeat(120)}…”`);
  });

  it("describes a macro's actions", () => {
    expect(describeActions({ replyCannedResponseId: "c1", replyInternal: true, status: "RESOLVED", assign: "ME", addTags: ["a", "b"] }, () => "Thanks")).toEqual([
      "Internal note with “Thanks”",
      "Set status to Resolved",
      "Assign to whoever applies it",
      "Add tags a, b",
    ]);
  });
});
