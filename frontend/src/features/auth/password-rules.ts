/** The server's policy (src/modules/auth/password.policy.ts), shown before submitting. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export type RuleState = "met" | "unmet" | "pending";

export interface PasswordRule {
  id: "min" | "max" | "common" | "email";
  text: string;
  state: RuleState;
}

// The server checks against ~100k leaked passwords; shipping that list to every browser is not
// worth it, so the client only catches the most obvious ones and says the rest is checked later.
const OBVIOUS = new Set([
  "123456789012", "1234567890123", "12345678901234", "123456789123", "111111111111",
  "000000000000", "qwertyuiopas", "qwerty123456", "1q2w3e4r5t6y", "password1234",
  "passwordpassword", "password12345", "password123456", "iloveyou1234", "abcdefghijkl",
  "administrator", "welcome12345", "letmein12345", "qwertyuiop123", "changeme1234",
]);

function looksObvious(password: string): boolean {
  const lower = password.toLowerCase();
  if (OBVIOUS.has(lower)) return true;
  if (/^(.)\1+$/.test(password)) return true; // one character repeated
  return "01234567890123456789".includes(password) || "abcdefghijklmnopqrstuvwxyz".includes(lower);
}

/** Code points, not UTF-16 units, as the server counts them. */
export function passwordLength(password: string): number {
  return [...password].length;
}

/** `email` is null where the form does not know it (a reset link): the server checks that rule. */
export function passwordRules(password: string, email: string | null): PasswordRule[] {
  const length = passwordLength(password);
  const empty = password.length === 0;
  const localPart = email?.split("@")[0]?.trim().toLowerCase() ?? "";
  return [
    {
      id: "min",
      text: `At least ${PASSWORD_MIN_LENGTH} characters`,
      state: empty ? "pending" : length >= PASSWORD_MIN_LENGTH ? "met" : "unmet",
    },
    {
      id: "max",
      text: `At most ${PASSWORD_MAX_LENGTH} characters`,
      state: empty ? "pending" : length <= PASSWORD_MAX_LENGTH ? "met" : "unmet",
    },
    {
      id: "common",
      text: "Not a commonly used password (fully checked when you submit)",
      state: empty ? "pending" : looksObvious(password) ? "unmet" : "met",
    },
    email === null
      ? { id: "email", text: "Does not contain the part of your email before the @ (checked when you submit)", state: "pending" }
      : {
          id: "email",
          text: "Does not contain the part of your email before the @",
          state: empty ? "pending" : localPart.length >= 3 && password.toLowerCase().includes(localPart) ? "unmet" : "met",
        },
  ];
}

export function passwordAcceptable(password: string, email: string | null): boolean {
  return password.length > 0 && passwordRules(password, email).every((rule) => rule.state !== "unmet");
}
