import { describe, expect, it } from "vitest";
import { rowDate, StoredDate } from "../../../src/db/read-rows.js";
import { DateTimeISO } from "../../../src/graphql/date-time.js";

describe("rowDate", () => {
  it.each([
    ["2026-01-02 03:04:05", "2026-01-02T03:04:05.000Z"],
    ["2026-01-02 03:04:05.6", "2026-01-02T03:04:05.600Z"],
    ["2026-01-02 03:04:05.67", "2026-01-02T03:04:05.670Z"],
    ["2026-01-02 03:04:05.678", "2026-01-02T03:04:05.678Z"],
    ["2026-01-02 03:04:05.678901", "2026-01-02T03:04:05.678Z"],
    ["2026-12-31T23:59:59.999", "2026-12-31T23:59:59.999Z"],
    ["2024-02-29 12:00:00.000", "2024-02-29T12:00:00.000Z"],
  ])("reads the DATETIME text %s as UTC, and the API writes it as toISOString would", (text, iso) => {
    expect(rowDate(text)!.toISOString()).toBe(iso);
    expect(DateTimeISO.serialize(rowDate(text))).toBe(iso);
  });

  it("reads texts with a zone, epoch milliseconds, Dates and nulls", () => {
    expect(rowDate("2026-01-02T03:04:05.678+02:00")!.toISOString()).toBe("2026-01-02T01:04:05.678Z");
    expect(rowDate("2026-01-02T03:04:05Z")!.toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect(rowDate(1_767_323_045_678)!.toISOString()).toBe("2026-01-02T03:04:05.678Z");
    const date = new Date();
    expect(rowDate(date)).toBe(date);
    expect(rowDate(null)).toBeNull();
    expect(rowDate(undefined)).toBeNull();
  });

  it("agrees with Date's own parser over a year of timestamps", () => {
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2026, 0, 1); t += 7_777_777) {
      const text = new Date(t).toISOString().replace("T", " ").replace("Z", "");
      const date = rowDate(text)!;
      expect(date.getTime()).toBe(t);
      // The text the database gave, rearranged, is the ISO text (what the API serializes).
      expect(date).toBeInstanceOf(StoredDate);
      expect((date as StoredDate).iso).toBe(date.toISOString());
    }
  });

  it("leaves malformed text to Date's parser (an invalid Date, not a wrong one)", () => {
    expect(Number.isNaN(rowDate("2026-01-02 03:04:0x")!.getTime())).toBe(true);
    expect(Number.isNaN(rowDate("not a date")!.getTime())).toBe(true);
  });
});
