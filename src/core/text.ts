/// <reference lib="es2024.string" />
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
