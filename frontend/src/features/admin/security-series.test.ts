import { describe, expect, it } from "vitest";
import { targetText } from "./audit-target.ts";
import { securitySeries } from "./security-series.ts";

const hour = (iso: string, successfulLogins: number, failedLogins = 0) => ({ start: iso, successfulLogins, failedLogins, lockouts: 0, rateLimitHits: 0 });

describe("securitySeries", () => {
  it("keeps one point per hour for a day", () => {
    const points = securitySeries([hour("2026-03-01T10:00:00Z", 1), hour("2026-03-01T11:00:00Z", 2, 3)], false);
    expect(points.map((p) => p.values)).toEqual([
      { successfulLogins: 1, failedLogins: 0, lockouts: 0, rateLimitHits: 0 },
      { successfulLogins: 2, failedLogins: 3, lockouts: 0, rateLimitHits: 0 },
    ]);
  });

  it("adds the hours of one local day together for longer windows", () => {
    const points = securitySeries([hour("2026-03-01T12:00:00", 1), hour("2026-03-01T13:00:00", 2, 1), hour("2026-03-02T12:00:00", 4)], true);
    expect(points.map((p) => p.values.successfulLogins)).toEqual([3, 4]);
    expect(points[0]!.values.failedLogins).toBe(1);
  });
});

describe("targetText", () => {
  it("prefers the server's label and falls back to the kind and a short id", () => {
    expect(targetText({ targetType: "Ticket", targetId: "01a2", targetLabel: "#12 · Printer" })).toBe("#12 · Printer");
    expect(targetText({ targetType: "Session", targetId: "01a24d4a-1111-2222", targetLabel: null })).toBe("Session 01a24d4a…");
    expect(targetText({ targetType: null, targetId: null })).toBe("Object");
  });
});
