import { describe, expect, it } from "vitest";
import { coveredByWildcard, describePatterns, patternsFromSelection, selectionFromPatterns } from "./webhook-events.ts";

describe("webhook event selection", () => {
  it("sends single types as ticked", () => {
    expect(patternsFromSelection({ checked: ["ticket.created", "comment.added"], other: "" })).toEqual({ patterns: ["ticket.created", "comment.added"], invalid: [] });
  });

  it("drops single types that a ticked module wildcard already covers", () => {
    expect(patternsFromSelection({ checked: ["ticket.created", "ticket.*", "comment.added"], other: "" }).patterns).toEqual(["ticket.*", "comment.added"]);
  });

  it("sends every event as the one pattern *", () => {
    expect(patternsFromSelection({ checked: ["ticket.*", "*"], other: "login.*" }).patterns).toEqual(["*"]);
  });

  it("adds typed patterns, de-duplicated, and reports the ones the server would refuse", () => {
    expect(patternsFromSelection({ checked: ["ticket.created"], other: " api_token.created, ticket.created  Login.Failed,x" })).toEqual({
      patterns: ["ticket.created", "api_token.created"],
      invalid: ["Login.Failed", "x"],
    });
  });

  it("splits a webhook's stored patterns into catalog boxes and the rest", () => {
    expect(selectionFromPatterns(["ticket.*", "comment.added", "password.changed", "login.*"])).toEqual({
      checked: ["ticket.*", "comment.added"],
      other: "password.changed, login.*",
    });
  });

  it("round-trips a stored selection", () => {
    const stored = ["issue.*", "ticket.transitioned", "session.revoked"];
    expect(patternsFromSelection(selectionFromPatterns(stored)).patterns.sort()).toEqual([...stored].sort());
  });

  it("knows which boxes a wildcard covers", () => {
    expect(coveredByWildcard(["ticket.*"], "ticket.created")).toBe(true);
    expect(coveredByWildcard(["ticket.*"], "comment.added")).toBe(false);
    expect(coveredByWildcard(["*"], "comment.added")).toBe(true);
  });

  it("summarises patterns for the list", () => {
    expect(describePatterns(["*"])).toBe("All events");
    expect(describePatterns(["ticket.*", "comment.added", "login.*"])).toBe("All ticket events, comment.added, login.*");
  });
});
