/**
 * The mention syntax: `@[Display Name](user:<user id>)`, which the reply box inserts when an agent
 * is picked from its list. It names the user by id, so renamed users, equal display names and
 * handles that look like words in the text cannot mention the wrong person; the name in brackets
 * is only what readers see. Plain `@name` text mentions nobody.
 */
const MENTION = /@\[([^\]\r\n]{1,100})\]\(user:([0-9a-fA-F-]{36})\)/g;

/** At most this many people are notified by one comment (a pasted team list is not a page). */
export const MENTIONS_MAX = 20;

/** The distinct user ids a comment body mentions, in order of first mention. */
export function mentionedUserIds(body: string): string[] {
  const ids = new Set<string>();
  for (const match of body.matchAll(MENTION)) {
    ids.add(match[2]!.toLowerCase());
    if (ids.size >= MENTIONS_MAX) break;
  }
  return [...ids];
}

/** The body with each mention shown as `@Display Name` (for emails). */
export const withPlainMentions = (body: string): string => body.replace(MENTION, (_m, name: string) => `@${name}`);
