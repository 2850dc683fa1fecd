import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AppConfig } from "../../config.js";
import { BadUserInputError } from "../../core/errors.js";

let commonPasswords: SortedLines | undefined;

/**
 * Loaded once, lazily. Kept as one sorted string and the offsets of its lines, searched by
 * bisection: ~118k entries take ~1.7 MB so, where a Set of them held ~7 MB of heap.
 */
function isCommonPassword(password: string): boolean {
  commonPasswords ??= sortedLines(
    readFileSync(fileURLToPath(new URL("./common-passwords.txt", import.meta.url)), "utf8")
      .split("\n")
      .filter((line) => line && !line.startsWith("#")),
  );
  return commonPasswords.has(password.toLowerCase());
}

interface SortedLines {
  has(line: string): boolean;
}

function sortedLines(lines: string[]): SortedLines {
  const sorted = [...new Set(lines)].sort();
  const count = sorted.length; // the closure below must not hold `sorted`, only the string
  const text = sorted.join("\n");
  const starts = new Uint32Array(count + 1);
  for (let i = 0, at = 0; i < count; i++) {
    starts[i] = at;
    at += sorted[i]!.length + 1;
  }
  starts[count] = text.length + 1;
  const line = (i: number) => text.slice(starts[i], starts[i + 1]! - 1);
  return {
    has(wanted) {
      let low = 0;
      let high = count - 1;
      while (low <= high) {
        const mid = (low + high) >>> 1;
        const found = line(mid);
        if (found === wanted) return true;
        if (found < wanted) low = mid + 1;
        else high = mid - 1;
      }
      return false;
    },
  };
}

export type PasswordPolicy = AppConfig["passwords"];

/**
 * NIST SP 800-63B: length over composition, a blocklist of known passwords, no truncation.
 * Composition rules stay available for organisations whose policy still requires them.
 * Returns the problems in words a person can act on; empty when the password is acceptable.
 */
export function passwordProblems(password: string, email: string, policy: PasswordPolicy): string[] {
  const problems: string[] = [];
  const length = [...password].length; // count code points, not UTF-16 units
  if (length < policy.minLength) problems.push(`must be at least ${policy.minLength} characters long`);
  if (length > policy.maxLength) problems.push(`must be at most ${policy.maxLength} characters long`);
  if (length <= policy.maxLength && isCommonPassword(password)) problems.push("is too common: choose one that is not on lists of leaked passwords");
  problems.push(...trivialityProblems(password));
  const localPart = email.split("@")[0]?.toLowerCase() ?? "";
  if (localPart.length >= 3 && password.toLowerCase().includes(localPart)) problems.push("must not contain your email address");
  if (policy.requireComposition) {
    if (!/[a-z]/.test(password)) problems.push("must contain a lower-case letter");
    if (!/[A-Z]/.test(password)) problems.push("must contain an upper-case letter");
    if (!/[0-9]/.test(password)) problems.push("must contain a digit");
    if (!/[^A-Za-z0-9]/.test(password)) problems.push("must contain a special character");
  }
  return problems;
}

// Invisible: format characters (zero-width spaces and joiners, direction marks, the BOM, soft
// hyphens), controls, and the fillers that render blank (Hangul and Braille blanks).
const INVISIBLE_FORMAT = /^[\p{Cf}\p{Cc}]$/u;
const BLANK_FILLERS = new Set(["\u115F", "\u1160", "\u3164", "\uFFA0", "\u2800", "\u034F", "\u17B4", "\u17B5", "\u180E"]);
const isInvisible = (c: string) => INVISIBLE_FORMAT.test(c) || BLANK_FILLERS.has(c) || /^\s$/u.test(c);

/**
 * NIST SP 800-63B 3.1.1.2 asks to refuse repetitive and trivial values: a password made only of
 * whitespace, only of invisible characters, or of one character repeated (12 spaces, 12 tabs,
 * "é"×12) has no strength whatever its length. Checked on the NFC form, so "é" typed as e and a
 * combining accent is the same character.
 */
function trivialityProblems(password: string): string[] {
  const chars = [...password.normalize("NFC")];
  if (!chars.length) return [];
  if (chars.every((c) => /^\s$/u.test(c))) return ["must not be only spaces, tabs or other whitespace"];
  if (chars.every(isInvisible)) return ["must not be only invisible characters"];
  if (chars.length > 1 && chars.every((c) => c === chars[0])) return ["must not be one character repeated"];
  return [];
}

export function assertPasswordAcceptable(password: string, email: string, policy: PasswordPolicy, field: string): void {
  const problems = passwordProblems(password, email, policy);
  if (problems.length) {
    throw new BadUserInputError(`The password ${problems.join("; ")}.`, field, { problems });
  }
}
