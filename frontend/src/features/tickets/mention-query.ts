/**
 * The @mention being typed at the caret, if any: an "@" at the start or after a space, then up
 * to 30 characters without spaces or brackets. `start` is the index of the "@".
 */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@[\]()]{0,30})$/.exec(before);
  if (!match) return null;
  return { start: caret - match[2]!.length - 1, query: match[2]! };
}

/** The token the server reads as a mention (src/modules/watchers/mentions.ts): `@[Name](user:<id>)`. */
export const mentionToken = (user: { id: string; displayName: string }) => `@[${user.displayName.replace(/[[\]\r\n]/g, "")}](user:${user.id})`;

/** `text` with the mention at `start` (up to `caret`) replaced by the token and a space; the new caret after it. */
export function insertMention(text: string, start: number, caret: number, user: { id: string; displayName: string }): { text: string; caret: number } {
  const token = `${mentionToken(user)} `;
  return { text: text.slice(0, start) + token + text.slice(caret), caret: start + token.length };
}
