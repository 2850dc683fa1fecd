import { describe, expect, it } from "vitest";
import { newRequestId } from "../../src/server/request-id.js";

describe("newRequestId", () => {
  it("gives distinct UUIDv7s across refills of its random pool, carrying the current time", () => {
    const before = Date.now();
    const ids = Array.from({ length: 2_000 }, () => newRequestId());
    const after = Date.now();
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const millis = (id: string) => parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    expect(millis(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect(millis(ids.at(-1)!)).toBeLessThanOrEqual(after);
  });
});
