import { describe, expect, it } from "vitest";
import { textLength } from "../../src/core/text.js";

describe("textLength", () => {
  it("counts characters, not UTF-16 units", () => {
    expect(textLength("")).toBe(0);
    expect(textLength("ticket")).toBe(6);
    expect(textLength("é")).toBe(1);
    expect(textLength("🎉")).toBe(1);
    expect(textLength("a🎉b🎉")).toBe(4);
    expect(textLength("🎉".repeat(150))).toBe(150);
  });

  it("counts an unpaired surrogate as one", () => {
    expect(textLength("\ud800")).toBe(1);
    expect(textLength("a\udc00\ud800")).toBe(3);
  });
});
