/// <reference lib="es2024.string" />
import { BadUserInputError } from "./errors.js";

/**
 * The length of `text` in characters (Unicode code points), as MySQL counts a VARCHAR's limit
 * and as people count: `"🎉".length` is 2 in JavaScript (UTF-16 units) but one character, so
 * limits checked with `.length` refused a subject of 150 emoji as over 200 characters.
 */
export function textLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/**
 * Text no database can take: MariaDB's JSON columns (the audit details) refuse an unpaired
 * UTF-16 surrogate, libsql cuts an SQL statement at a NUL. Both surfaced as 500s from deep in a
 * write, so they are refused once, before anything runs (graphql/storable-text.ts; cursors).
 * (graphql-js already refuses a surrogate in a document's strings, escaped or not, but lets
 * `\u0000` through.)
 */
export function isStorableText(text: string): boolean {
  return text.isWellFormed() && !text.includes("\0");
}

/**
 * Why `text` is not one line of visible text, or null when it is. One-line fields (a ticket's
 * subject and category, an issue's title, a project's name) are shown in lists, email subjects,
 * logs and CSV: a line break or an escape sequence there forges a row or a header, a bidi
 * override (U+202A-U+202E, U+2066-U+2069) makes "gpj.exe" read "exe.jpg", and a value of only
 * zero-width characters looks empty. Zero-width joiners stay allowed inside visible text: emoji
 * sequences and several scripts need them.
 */
export function oneLineTextProblem(text: string): string | null {
  if (/[\r\n\u2028\u2029\u0085]/u.test(text)) return "contains a line break";
  if (/\p{Cc}/u.test(text)) return "contains a control character";
  if (/[\u202a-\u202e\u2066-\u2069]/u.test(text)) return "contains a bidirectional override";
  // Other format characters (soft hyphen, zero-width space, word joiner, BOM...) only hide text.
  if (/[^\P{Cf}\u200c\u200d]/u.test(text)) return "contains an invisible formatting character";
  if (!/[^\s\p{Cf}\p{Default_Ignorable_Code_Point}]/u.test(text)) return "has no visible character";
  return null;
}

/** Throws BAD_USER_INPUT naming `field` when `text` is not one line of visible text (see oneLineTextProblem). */
export function assertOneLineText(text: string, what: string, field: string): void {
  const problem = oneLineTextProblem(text);
  if (problem) throw new BadUserInputError(`The ${what} must be one line of visible text; this one ${problem}.`, field);
}
