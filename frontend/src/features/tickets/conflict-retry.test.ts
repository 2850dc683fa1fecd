import { describe, expect, it } from "vitest";
import { conflictMessage } from "./conflict-retry.ts";

describe("the conflict message", () => {
  it("says once what happened and what was not applied, without asking for a reload", () => {
    const message = conflictMessage({ action: "assign it to Bea Agent" }, true);
    expect(message).toBe("Someone else changed this ticket just before you. The latest version is shown; your change (assign it to Bea Agent) was not applied yet.");
    expect(message).not.toMatch(/reload/i);
  });

  it("says when the action no longer applies to the latest version", () => {
    expect(conflictMessage({ action: "resolve it" }, false)).toMatch(/no longer possible/);
    expect(conflictMessage(null, true)).toBe("Someone else changed this ticket just before you. The latest version is shown.");
  });
});
