import { describe, expect, it } from "vitest";
import { growingLru } from "../../../src/core/growing-lru.js";

describe("growingLru", () => {
  it("holds at most its limit of entries, dropping the least recently used", () => {
    const cache = growingLru<string, number>(3);
    for (const [i, key] of ["a", "b", "c"].entries()) cache.set(key, i);
    expect(cache.get("a")).toBe(0); // now the most recently used
    cache.set("d", 3);
    expect(cache.size).toBe(3);
    expect([...cache.keys()].sort()).toEqual(["a", "c", "d"]);
  });

  it("keeps the time-to-live it is given", () => {
    let now = 10_000;
    const cache = growingLru<string, true>(10, { ttl: 1_000, ttlResolution: 0, perf: { now: () => now } });
    cache.set("session", true);
    now = 10_999;
    expect(cache.has("session")).toBe(true);
    now = 11_001;
    expect(cache.has("session")).toBe(false);
  });
});
