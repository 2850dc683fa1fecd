import { describe, expect, it } from "vitest";
import { buildHash, matchPath, parseHash } from "./hash-location.ts";

describe("hash routing", () => {
  it("parses a path and its query from the hash", () => {
    const { path, query } = parseHash("#/tickets?status=OPEN&q=vpn%20down");
    expect(path).toBe("/tickets");
    expect(query.get("status")).toBe("OPEN");
    expect(query.get("q")).toBe("vpn down");
  });

  it("normalises empty and doubled slashes", () => {
    expect(parseHash("").path).toBe("/");
    expect(parseHash("#").path).toBe("/");
    expect(parseHash("#//tickets//42/").path).toBe("/tickets/42");
  });

  it("builds hashes without empty query values", () => {
    expect(buildHash("/tickets", { status: "OPEN", q: "", after: null, page: undefined, mine: false })).toBe("#/tickets?status=OPEN");
    expect(buildHash("/queue")).toBe("#/queue");
  });

  it("matches patterns and decodes parameters", () => {
    expect(matchPath("/tickets/:id", "/tickets/abc%20d")).toEqual({ id: "abc d" });
    expect(matchPath("/tickets/new", "/tickets/new")).toEqual({});
    expect(matchPath("/tickets/:id", "/tickets")).toBeNull();
    expect(matchPath("/tickets/:id", "/issues/1")).toBeNull();
    expect(matchPath("/tickets/:id", "/tickets/%E0%A4%A")).toBeNull();
  });
});
