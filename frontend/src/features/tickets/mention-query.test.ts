import { describe, expect, it } from "vitest";
import { insertMention, mentionAt } from "./mention-query.ts";

describe("mention typing", () => {
  it("finds the mention being typed at the caret", () => {
    expect(mentionAt("Hi @ott", 7)).toEqual({ start: 3, query: "ott" });
    expect(mentionAt("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionAt("mail me at x@example", 20)).toBeNull();
    expect(mentionAt("Hi @otto and", 12)).toBeNull();
  });

  it("inserts the token the server reads, followed by a space", () => {
    const user = { id: "0190c1f2-0000-7000-8000-000000000001", displayName: "Otto [Ops]" };
    expect(insertMention("Hi @ott please", 3, 7, user)).toEqual({ text: `Hi @[Otto Ops](user:${user.id})  please`, caret: 3 + `@[Otto Ops](user:${user.id}) `.length });
  });
});
