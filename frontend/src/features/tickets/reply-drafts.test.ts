import { beforeEach, describe, expect, it } from "vitest";
import { clearDraft, loadDraft, saveDraft, ticketsWithDrafts } from "./reply-drafts.ts";

describe("reply drafts", () => {
  beforeEach(() => sessionStorage.clear());

  it("keeps a draft per ticket until it is cleared", () => {
    saveDraft("t1", { body: "Half a reply", internal: false });
    saveDraft("t2", { body: "A note", internal: true });
    expect(loadDraft("t1")).toEqual({ body: "Half a reply", internal: false });
    expect(loadDraft("t2")).toEqual({ body: "A note", internal: true });
    expect(ticketsWithDrafts().sort()).toEqual(["t1", "t2"]);
    clearDraft("t1");
    expect(loadDraft("t1")).toBeNull();
    expect(ticketsWithDrafts()).toEqual(["t2"]);
  });

  it("forgets an emptied draft and ignores what it cannot read", () => {
    saveDraft("t1", { body: "x", internal: false });
    saveDraft("t1", { body: "   ", internal: false });
    expect(loadDraft("t1")).toBeNull();
    sessionStorage.setItem("deskql.reply-draft.t3", "{not json");
    expect(loadDraft("t3")).toBeNull();
  });
});
