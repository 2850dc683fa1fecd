import { describe, expect, it } from "vitest";
import {
  describeAction,
  describeCondition,
  describeConditions,
  draftFromRule,
  draftProblems,
  emptyDraft,
  excerpt,
  inputFromDraft,
  operatorsFor,
  parseValues,
  sentence,
  tryRunSummary,
} from "./automation-format.ts";

describe("automation rules in words", () => {
  it("reads conditions as a sentence, with the values people see", () => {
    expect(describeCondition({ field: "TEXT", operator: "CONTAINS", values: ["vpn"] })).toBe("Subject or description contains “vpn”");
    expect(describeCondition({ field: "REQUESTER_EMAIL", operator: "ENDS_WITH", values: ["@a.test", "@b.test", "@c.test"] })).toBe(
      "Requester's email ends with “@a.test”, “@b.test” or “@c.test”",
    );
    expect(describeCondition({ field: "STATUS", operator: "IS", values: ["OPEN", "IN_PROGRESS"] })).toBe("Status is Open or In progress");
    expect(describeCondition({ field: "PRIORITY", operator: "IS_NOT", values: ["LOW"] })).toBe("Priority is not Low");
    expect(describeCondition({ field: "PRIORITY", operator: "IS_NOT", values: ["LOW", "NORMAL"] })).toBe("Priority is none of Low and Normal");
    expect(describeCondition({ field: "CATEGORY", operator: "IS", values: [""] })).toBe("Category is none");
  });

  it("says whether the ticket is assigned rather than 'Assigned is true'", () => {
    expect(describeCondition({ field: "ASSIGNED", operator: "IS", values: ["true"] })).toBe("The ticket is assigned");
    expect(describeCondition({ field: "ASSIGNED", operator: "IS_NOT", values: ["true"] })).toBe("The ticket is not assigned");
    expect(describeCondition({ field: "ASSIGNED", operator: "IS", values: ["false"] })).toBe("The ticket is not assigned");
  });

  it("joins conditions with 'and', and a rule without any applies to every ticket", () => {
    expect(describeConditions([])).toBe("Every ticket");
    expect(
      describeConditions([
        { field: "TEXT", operator: "CONTAINS", values: ["vpn"] },
        { field: "ASSIGNED", operator: "IS", values: ["false"] },
      ]),
    ).toBe("Subject or description contains “vpn”; and The ticket is not assigned");
  });

  it("reads actions with names for people and an excerpt of long text", () => {
    const names = new Map([["u1", "Ada Admin"]]);
    expect(describeAction({ kind: "ASSIGN", value: "u1" }, names)).toBe("Assign to Ada Admin");
    expect(describeAction({ kind: "ASSIGN", value: "gone" }, names)).toBe("Assign to a person no longer listed");
    expect(describeAction({ kind: "SET_PRIORITY", value: "HIGH" })).toBe("Set the priority to High");
    expect(describeAction({ kind: "SET_CATEGORY", value: "" })).toBe("Clear the category");
    expect(describeAction({ kind: "SET_CATEGORY", value: "network" })).toBe("Set the category to “network”");
    expect(describeAction({ kind: "NOTIFY", value: "ops@example.com" })).toBe("Notify ops@example.com");
    expect(describeAction({ kind: "REPLY", value: "Thanks!\n\nWe are on it." })).toBe("Send a reply: “Thanks! We are on it.”");
    expect(excerpt("x".repeat(100), 10)).toBe("xxxxxxxxx…");
  });
});

describe("the rule form's draft", () => {
  it("splits comma-separated values, dropping blanks", () => {
    expect(parseValues(" vpn, network ,, wifi ,")).toEqual(["vpn", "network", "wifi"]);
    expect(parseValues("  ")).toEqual([]);
  });

  it("offers only IS and IS NOT for fields with a fixed set of values", () => {
    expect(operatorsFor("PRIORITY")).toEqual(["IS", "IS_NOT"]);
    expect(operatorsFor("TEXT")).toContain("CONTAINS");
  });

  it("round-trips a rule into the input the server takes", () => {
    const rule = {
      name: " VPN to network ",
      trigger: "TICKET_CREATED" as const,
      enabled: false,
      position: 3,
      conditions: [{ field: "TEXT" as const, operator: "CONTAINS" as const, values: ["vpn", "tunnel"] }],
      actions: [
        { kind: "SET_PRIORITY" as const, value: "HIGH" },
        { kind: "ADD_NOTE" as const, value: "  Indented **note**" },
      ],
    };
    const draft = draftFromRule(rule);
    expect(draft.conditions[0]!.values).toBe("vpn, tunnel");
    expect(inputFromDraft(draft)).toEqual({
      name: "VPN to network",
      trigger: "TICKET_CREATED",
      enabled: false,
      position: 3,
      conditions: [{ field: "TEXT", operator: "CONTAINS", values: ["vpn", "tunnel"] }],
      actions: [
        { kind: "SET_PRIORITY", value: "HIGH" },
        { kind: "ADD_NOTE", value: "  Indented **note**" },
      ],
    });
  });

  it("names each problem by the path the server would use", () => {
    const draft = emptyDraft();
    draft.conditions.push({ field: "TEXT", operator: "CONTAINS", values: " , " });
    draft.actions.push({ kind: "SET_CATEGORY", value: "" }, { kind: "ASSIGN", value: "" });
    expect(draftProblems(draft)).toEqual({
      "input.name": "Enter a name for the rule.",
      "input.conditions.0.values": "Enter at least one value.",
      "input.actions.0.value": "Choose a priority.",
      "input.actions.2.value": "Choose who to assign to.",
    });
    expect(draftProblems({ ...emptyDraft(), name: "x", actions: [] })).toEqual({ "input.actions": "Add at least one action." });
  });
});

describe("a dry run's summary", () => {
  it("counts the matches among the tickets tried", () => {
    expect(tryRunSummary(2, 20, 20)).toBe("2 of the 20 newest tickets match");
    expect(tryRunSummary(1, 20, 20)).toBe("1 of the 20 newest tickets matches");
    expect(tryRunSummary(0, 20, 20)).toBe("None of the 20 newest tickets match");
    expect(tryRunSummary(3, 5, 20)).toBe("3 of 5 tickets match (all the tickets there are)");
    expect(tryRunSummary(1, 1, 20)).toBe("The only ticket matches");
    expect(tryRunSummary(0, 1, 20)).toBe("The only ticket does not match");
    expect(tryRunSummary(0, 0, 20)).toBe("There are no tickets to try it on yet");
    expect(sentence("set the priority to HIGH")).toBe("Set the priority to HIGH");
  });
});
