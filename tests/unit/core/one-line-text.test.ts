import { describe, expect, it } from "vitest";
import { oneLineTextProblem } from "../../../src/core/text.js";

describe("one line of visible text", () => {
  it.each([
    ["Printer on floor 3 is jammed"],
    ["Ünïcödé, 中文, עברית, العربية"],
    ["Family 👨‍👩‍👧 and flag 🏳️‍🌈 emoji"], // zero-width joiners inside visible text
    ["नमस्ते"],
    ["tab-free punctuation: <>&\"'`"],
  ])("accepts %j", (text) => {
    expect(oneLineTextProblem(text)).toBeNull();
  });

  it.each([
    ["carriage return", "Subject\rBcc: x", "contains a line break"],
    ["line feed", "one\ntwo", "contains a line break"],
    ["Unicode line separator", "one\u2028two", "contains a line break"],
    ["next line (NEL)", "one\u0085two", "contains a line break"],
    ["ANSI escape sequence", "\u001b[31mred\u001b[0m", "contains a control character"],
    ["tab", "a\tb", "contains a control character"],
    ["NUL", "a\u0000b", "contains a control character"],
    ["C1 control (CSI)", "a\u009b31mb", "contains a control character"],
    ["right-to-left override", "invoice\u202egpj.exe", "contains a bidirectional override"],
    ["left-to-right embedding", "a\u202ab", "contains a bidirectional override"],
    ["first strong isolate", "a\u2068b\u2069", "contains a bidirectional override"],
    ["zero-width space inside text", "pay\u200bpal", "contains an invisible formatting character"],
    ["zero-width space only", "\u200b\u200b", "contains an invisible formatting character"],
    ["byte order mark", "\ufeffhello", "contains an invisible formatting character"],
    ["zero-width joiners only", "\u200d\u200c", "has no visible character"],
    ["Hangul fillers only", "\u3164\u3164", "has no visible character"],
  ])("refuses a %s", (_name, text, problem) => {
    expect(oneLineTextProblem(text)).toBe(problem);
  });
});
