import { describe, expect, it } from "vitest";
import { concurrentChangeNotice, describeTicketEvent } from "./concurrent-changes.ts";

const names = new Map([["u-2", "Alex Agent"]]);

describe("changes made by someone else while editing", () => {
  it("describes status, priority, subject and assignment changes in words", () => {
    expect(describeTicketEvent({ type: "ticket.transitioned", payload: { from: "OPEN", to: "WAITING_ON_CUSTOMER" } }, names)).toBe(
      "status Open → Waiting on customer",
    );
    expect(describeTicketEvent({ type: "ticket.updated", payload: { changes: { priority: { from: "LOW", to: "URGENT" }, subject: { from: "a", to: "Printer on fire" } } } }, names)).toBe(
      "priority Low → Urgent, subject → “Printer on fire”",
    );
    expect(describeTicketEvent({ type: "ticket.updated", payload: { changes: { description: { from: "10 characters", to: "12 characters" } } } }, names)).toBe("description");
    expect(describeTicketEvent({ type: "ticket.assigned", payload: { from: null, to: "u-2" } }, names)).toBe("assignee → Alex Agent");
    expect(describeTicketEvent({ type: "ticket.assigned", payload: { from: "u-2", to: "u-9" } }, names)).toBe("assignee → another agent");
    expect(describeTicketEvent({ type: "ticket.assigned", payload: { from: "u-2", to: null } }, names)).toBe("assignee removed");
    expect(describeTicketEvent({ type: "comment.added", payload: { internal: true } }, names)).toBe("added an internal note");
    expect(describeTicketEvent({ type: "something.else", payload: {} }, names)).toBeNull();
  });

  it("names who changed what, once each", () => {
    expect(
      concurrentChangeNotice([
        { who: "Bea Agent", what: "status Open → Resolved" },
        { who: "Bea Agent", what: "priority Low → High" },
      ]),
    ).toBe("Bea Agent changed this ticket while you were editing: status Open → Resolved; priority Low → High.");
    expect(
      concurrentChangeNotice([
        { who: "Bea Agent", what: "added a reply" },
        { who: "Carl Admin", what: "added a reply" },
        { who: "Dee", what: "assignee removed" },
      ]),
    ).toBe("Bea Agent, Carl Admin and Dee changed this ticket while you were editing: added a reply; assignee removed.");
    expect(concurrentChangeNotice([])).toBe("");
  });
});
