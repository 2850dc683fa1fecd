import { describe, expect, it } from "vitest";
import { solutionExcerpt, usableCategory } from "./triage-hints.ts";

describe("triage hints", () => {
  it("shows a solution's first words without Markdown", () => {
    expect(solutionExcerpt("**Reinstall** the [VPN client](https://x) and\n\nreboot.")).toBe("Reinstall the VPN client and reboot.");
    expect(solutionExcerpt("x".repeat(300)).length).toBe(160);
  });

  it("offers a suggested category only when the form lists it", () => {
    expect(usableCategory("network", ["Hardware", "Network"])).toBe("Network");
    expect(usableCategory("Printing", ["Hardware", "Network"])).toBeNull();
    expect(usableCategory(null, ["Hardware"])).toBeNull();
  });
});
