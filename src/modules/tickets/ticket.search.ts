/**
 * Splits what a user typed into words and, for MySQL/MariaDB, a boolean-mode FULLTEXT query
 * requiring each word as a prefix (`+word*`). InnoDB does not index words shorter than
 * innodb_ft_min_token_size (3) or its stopwords, and requiring a word it never indexed matches
 * nothing, so those words are left out of the FULLTEXT query (like a search engine ignores
 * "the"); with no indexable word left, the search falls back to LIKE. Operators the user typed
 * are dropped, so no input can produce a malformed query.
 */
export const SEARCH_MAX = 200;

// InnoDB's default stopword list (INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD).
const INNODB_STOPWORDS = new Set(
  "a about an are as at be by com de en for from how i in is it la of on or that the this to was what when where who will with und www".split(" "),
);
const MIN_TOKEN = 3;
const MAX_WORDS = 12;

export interface SearchPlan {
  /** The distinct words, lower-cased: each must occur (LIKE fallback and SQLite). */
  words: string[];
  /** Boolean-mode query for MATCH ... AGAINST, or null when no word is indexable. */
  fulltext: string | null;
}

export function planSearch(text: string): SearchPlan {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])].slice(0, MAX_WORDS);
  const indexable = words.filter((w) => [...w].length >= MIN_TOKEN && !INNODB_STOPWORDS.has(w));
  return { words, fulltext: indexable.length ? indexable.map((w) => `+${w}*`).join(" ") : null };
}

/**
 * The ticket number a search names: "#1042" names only ticket 1042; a bare "1042" also names it,
 * besides any text containing 1042 (agents paste either form; the box says "Subject or reference").
 */
export function referenceIn(text: string): { number: number; only: boolean } | null {
  const match = /^\s*(#)?\s*(\d{1,9})\s*$/.exec(text);
  return match ? { number: Number(match[2]), only: match[1] !== undefined } : null;
}

/** The escape character of our LIKE patterns: "!" needs no quoting in MySQL or SQLite string literals. */
export const LIKE_ESCAPE = "!";

/** A LIKE pattern finding `term` anywhere, its wildcards escaped ("50%" finds "50%"); use with `escape '!'`. */
export const likePattern = (term: string): string => `%${term.replace(/[!%_]/g, (c) => `!${c}`)}%`;
