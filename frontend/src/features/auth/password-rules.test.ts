import { describe, expect, it } from "vitest";
import { afterSignIn } from "./auth-redirect.ts";
import { passwordAcceptable, passwordRules } from "./password-rules.ts";

const state = (password: string, email = "casey.jones@example.com") =>
  Object.fromEntries(passwordRules(password, email).map((r) => [r.id, r.state]));

describe("password rules", () => {
  it("shows every rule as pending before anything is typed", () => {
    expect(state("")).toEqual({ min: "pending", max: "pending", common: "pending", email: "pending" });
  });

  it("requires at least 12 characters, counting code points", () => {
    expect(state("short-pass1").min).toBe("unmet");
    expect(state("twelve chars").min).toBe("met");
    expect(state("🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒").min).toBe("unmet"); // 11 emoji are 22 UTF-16 units
  });

  it("allows at most 256 characters", () => {
    expect(state("x".repeat(256) + "y").max).toBe("unmet");
  });

  it("catches obviously common passwords", () => {
    expect(state("password1234").common).toBe("unmet");
    expect(state("aaaaaaaaaaaaaa").common).toBe("unmet");
    expect(state("1234567890123").common).toBe("unmet");
    expect(state("correct horse battery").common).toBe("met");
  });

  it("rejects passwords containing the email's local part", () => {
    expect(state("my name is Casey.Jones!").email).toBe("unmet");
    expect(state("correct horse battery").email).toBe("met");
  });

  it("accepts a password only when every rule is met", () => {
    expect(passwordAcceptable("correct horse battery", "casey@example.com")).toBe(true);
    expect(passwordAcceptable("casey-horse-battery", "casey@example.com")).toBe(false);
  });
});

describe("afterSignIn", () => {
  it("returns to the page that was asked for", () => {
    expect(afterSignIn("/tickets/42", "CUSTOMER")).toBe("/tickets/42");
    expect(afterSignIn("/queue?view=mine", "AGENT")).toBe("/queue?view=mine");
  });

  it("ignores anything that is not an in-app path", () => {
    expect(afterSignIn("//evil.example", "CUSTOMER")).toBe("/tickets");
    expect(afterSignIn("https://evil.example", "AGENT")).toBe("/queue");
    expect(afterSignIn("/signin", "ADMIN")).toBe("/queue");
    expect(afterSignIn(null, "CUSTOMER")).toBe("/tickets");
  });
});
