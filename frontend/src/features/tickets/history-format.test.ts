import { describe, expect, it } from "vitest";
import { describeHistoryEntry } from "./history-format.ts";

const alex = { displayName: "Alex Agent" };

describe("describeHistoryEntry", () => {
  it("describes status changes in words", () => {
    expect(describeHistoryEntry({ action: "TICKET_TRANSITIONED", from: "OPEN", to: "WAITING_ON_CUSTOMER", actor: alex })).toBe(
      "Alex Agent changed the status from Open to Waiting on customer",
    );
  });

  it("names the new assignee when the page knows them", () => {
    const names = new Map([["u-2", "Alex Agent"]]);
    expect(describeHistoryEntry({ action: "TICKET_ASSIGNED", from: null, to: "u-2", actor: alex }, names)).toBe(
      "Alex Agent assigned the ticket to Alex Agent",
    );
    expect(describeHistoryEntry({ action: "TICKET_ASSIGNED", from: "u-2", to: "u-9", actor: alex }, names)).toBe("Alex Agent reassigned the ticket");
    expect(describeHistoryEntry({ action: "TICKET_ASSIGNED", from: "u-2", to: null, actor: alex })).toBe("Alex Agent unassigned the ticket");
  });

  it("lists the fields an edit touched", () => {
    const details = { changes: { subject: { from: "a", to: "b" }, description: { from: "3 characters", to: "9 characters" } } };
    expect(describeHistoryEntry({ action: "TICKET_UPDATED", details, actor: { displayName: "Casey" } })).toBe("Casey edited the subject and description");
    expect(describeHistoryEntry({ action: "TICKET_UPDATED", details: { changes: { priority: { from: "LOW", to: "URGENT" } } }, actor: alex })).toBe(
      "Alex Agent changed the priority from Low to Urgent",
    );
  });

  it("mentions linked issues by key and falls back for unknown actions", () => {
    expect(describeHistoryEntry({ action: "TICKET_LINKED", details: { issueKey: "OPS-7" }, actor: alex })).toBe("Alex Agent linked issue OPS-7");
    expect(describeHistoryEntry({ action: "SOMETHING_NEW", actor: null })).toBe("The system: something new");
  });

  it("explains SLA escalations with what the desk did", () => {
    expect(describeHistoryEntry({ action: "TICKET_SLA_AT_RISK", details: { phase: "FIRST_RESPONSE", actions: ["notify the assignee"] }, actor: null })).toBe(
      "The first response target is at risk: notify the assignee",
    );
    expect(describeHistoryEntry({ action: "TICKET_SLA_BREACHED", details: { phase: "RESOLUTION", actions: ["notify the assignee", "raise the priority"] }, actor: null })).toBe(
      "The resolution target was missed: notify the assignee and raise the priority",
    );
  });
  it("tells who followed, copied and rated the ticket", () => {
    const names = new Map([["u1", "Alex Agent"], ["u2", "Mika Mentioned"]]);
    expect(describeHistoryEntry({ action: "TICKET_WATCHED", details: { userId: "u1", reason: "SELF" }, actor: alex }, names)).toBe("Alex Agent started watching");
    expect(describeHistoryEntry({ action: "TICKET_WATCHED", details: { userId: "u2", reason: "MENTIONED" }, actor: alex }, names)).toBe("Alex Agent mentioned Mika Mentioned, who now watches the ticket");
    expect(describeHistoryEntry({ action: "TICKET_UNWATCHED", details: { userId: "u2" }, actor: alex }, names)).toBe("Alex Agent removed Mika Mentioned from the watchers");
    expect(describeHistoryEntry({ action: "TICKET_CC_ADDED", details: { email: "boss@example.com" }, actor: alex })).toBe("Alex Agent copied boss@example.com");
    expect(describeHistoryEntry({ action: "TICKET_RATED", details: { score: 4 }, actor: { displayName: "Carla" } })).toBe("Carla rated the ticket 4 out of 5");
  });
});
