import { describe, expect, it } from "vitest";
import { checkSuggestion, LlmUnavailable } from "../../../src/modules/triage/triage.llm.js";
import { NaiveBayes, summarize, words } from "../../../src/modules/triage/triage.model.js";

describe("the built-in model", () => {
  it("reads words without stopwords or Markdown", () => {
    expect(words("The **VPN client** won't connect since Monday!")).toEqual(["vpn", "client", "won't", "connect", "monday"]);
  });

  it("learns which words go with which category, and says how sure it is", () => {
    const nb = new NaiveBayes<string>();
    for (let i = 0; i < 20; i++) {
      nb.learn(words("VPN drops at home"), "Network");
      nb.learn(words("Printer prints blank pages"), "Printing");
    }
    nb.learn(words("Wi-Fi is slow"), "Network");
    expect(nb.labels()).toEqual(["Network", "Printing"]);
    expect(nb.predict(words("my printer is jammed"))).toMatchObject({ label: "Printing" });
    const vpn = nb.predict(words("VPN is down"))!;
    expect(vpn.label).toBe("Network");
    expect(vpn.probability).toBeGreaterThan(0.9);
    expect(new NaiveBayes().predict(["x"])).toBeNull();
  });

  it("summarises in one line: the subject and the first sentence that adds something", () => {
    expect(summarize("Laptop won't start", "Since Monday, the **laptop won't start** problem keeps coming back.\n\nI already restarted twice.")).toBe(
      "Laptop won't start: I already restarted twice.",
    );
    expect(summarize("Hi", "x".repeat(400)).length).toBeLessThanOrEqual(160);
  });
});

describe("a language model's answer", () => {
  const categories = ["Network", "Printing"];

  it("keeps only allowed values", () => {
    const answer = JSON.stringify({ category: "printing", priority: "urgent", tags: ["toner", "<b>x</b>", 5, "toner"], summary: "Toner\nempty", reply: "Hello" });
    expect(checkSuggestion(answer, categories, true)).toEqual({ category: "Printing", priority: "URGENT", tags: ["toner"], summary: "Toner empty", reply: "Hello" });
    expect(checkSuggestion(JSON.stringify({ category: "Plumbing", priority: "ASAP" }), categories, true)).toMatchObject({ category: null, priority: null, tags: [] });
    // A customer never gets a drafted reply, whatever the model wrote.
    expect(checkSuggestion(answer, categories, false).reply).toBeNull();
  });

  it("refuses an answer that is not a JSON object", () => {
    expect(() => checkSuggestion("Sure! Here is my answer", categories, true)).toThrow(LlmUnavailable);
    expect(() => checkSuggestion("[1, 2]", categories, true)).toThrow(LlmUnavailable);
  });
});
