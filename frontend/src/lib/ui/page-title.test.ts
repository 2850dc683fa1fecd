import { afterEach, describe, expect, it } from "vitest";
import { noteLiveActivity, setPageTitle, titleWithUnread, unreadActivity } from "./page-title.ts";

function showTab(state: "visible" | "hidden") {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  document.dispatchEvent(new Event("visibilitychange"));
}

describe("the tab title's unread marker", () => {
  afterEach(() => showTab("visible"));

  it("prefixes a count, and nothing when none is unread", () => {
    expect(titleWithUnread("DQ-7 · Printer jams · DeskQL", 0)).toBe("DQ-7 · Printer jams · DeskQL");
    expect(titleWithUnread("DQ-7 · Printer jams · DeskQL", 2)).toBe("(2) DQ-7 · Printer jams · DeskQL");
    expect(titleWithUnread("Queue · DeskQL", 250)).toBe("(99+) Queue · DeskQL");
  });

  it("counts live events while the tab is hidden, keeps the page's title, and clears when it is shown", () => {
    setPageTitle("DQ-7 · Printer jams · DeskQL");
    noteLiveActivity();
    expect(document.title).toBe("DQ-7 · Printer jams · DeskQL");

    showTab("hidden");
    noteLiveActivity();
    noteLiveActivity();
    expect(document.title).toBe("(2) DQ-7 · Printer jams · DeskQL");
    // The page learns the ticket's new subject meanwhile: the count stays in front of it.
    setPageTitle("DQ-7 · Printer jams again · DeskQL");
    expect(document.title).toBe("(2) DQ-7 · Printer jams again · DeskQL");

    showTab("visible");
    expect(document.title).toBe("DQ-7 · Printer jams again · DeskQL");
    expect(unreadActivity()).toBe(0);
  });
});
