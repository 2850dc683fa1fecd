import { raw } from "@mikro-orm/core";

/**
 * The escape character of our LIKE patterns. Neither database has one we can rely on: MySQL's
 * default is "\" (but only while NO_BACKSLASH_ESCAPES is off), SQLite has none, so "50%" matched
 * everything there. Every pattern names its own with ESCAPE; "!" because "\" would have to be
 * spelled differently in each dialect's string literal ('\\' in MySQL, '\' in SQLite).
 */
const ESCAPE = "!";

/** Escapes LIKE wildcards (and the escape character) so the text is matched literally. */
export function likeLiteral(text: string): string {
  return text.replace(/[!%_]/g, (c) => `${ESCAPE}${c}`);
}

/** The pattern travels as a raw fragment, `? escape '!'`, which MikroORM types as the column's value. */
type LikeCondition = { $like: string };

/** `{ prop: { $like } }` condition for text that starts with `text`, wildcards taken literally. */
export function startsWith(text: string): LikeCondition {
  return escapedLike(`${likeLiteral(text)}%`);
}

/** `{ prop: { $like } }` condition for text that contains `text`, wildcards taken literally. */
export function contains(text: string): LikeCondition {
  return escapedLike(`%${likeLiteral(text)}%`);
}

function escapedLike(pattern: string): LikeCondition {
  return { $like: raw<object, string>(`? escape '${ESCAPE}'`, [pattern]) };
}
