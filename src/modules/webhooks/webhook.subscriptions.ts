import { BadUserInputError } from "../../core/errors.js";

/** "ticket.created", a module's events ("comment.*") or every event ("*"). */
const PATTERN = /^(\*|[a-z_]{1,30}\.(\*|[a-z_]{1,30}))$/;
const MAX_PATTERNS = 50;

/** Validates and de-duplicates the event types a webhook asks for. */
export function parseEventPatterns(events: readonly string[], field: string): string[] {
  const unique = [...new Set(events.map((e) => e.trim()))];
  if (!unique.length || unique.length > MAX_PATTERNS) throw new BadUserInputError(`Name 1 to ${MAX_PATTERNS} event types.`, field);
  const bad = unique.filter((e) => !PATTERN.test(e));
  if (bad.length) throw new BadUserInputError('Event types look like "ticket.created", "comment.*" or "*".', field, { invalid: bad });
  return unique;
}

export function matchesAny(patterns: readonly string[], type: string): boolean {
  const module = type.slice(0, type.indexOf(".") + 1);
  return patterns.some((p) => p === "*" || p === type || (p.endsWith(".*") && p.slice(0, -1) === module));
}
