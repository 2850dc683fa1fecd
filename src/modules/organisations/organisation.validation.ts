import { BadUserInputError } from "../../core/errors.js";

export const NAME_MAX = 100;
export const NOTES_MAX = 5_000;
export const DOMAINS_MAX = 20;
export const SEARCH_MAX = 100;

// One label: letters, digits and inner hyphens; at least two labels, the last alphabetic.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function cleanName(name: string, field: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > NAME_MAX) throw new BadUserInputError(`The name must be 1-${NAME_MAX} characters.`, field);
  if (/[\r\n\t]/.test(trimmed)) throw new BadUserInputError("The name must be one line.", field);
  return trimmed;
}

export function cleanNotes(notes: string, field: string): string {
  if (notes.length > NOTES_MAX) throw new BadUserInputError(`The notes must be at most ${NOTES_MAX} characters.`, field);
  return notes.trim();
}

/** Lower-cased, without a leading "@", each once; every one a plain DNS name. */
export function cleanDomains(domains: readonly string[], field: string): string[] {
  if (domains.length > DOMAINS_MAX) throw new BadUserInputError(`At most ${DOMAINS_MAX} email domains.`, field);
  const cleaned = domains.map((domain, i) => {
    const d = domain.trim().toLowerCase().replace(/^@/, "");
    if (!DOMAIN.test(d)) throw new BadUserInputError(`"${domain}" is not an email domain such as example.com.`, `${field}.${i}`);
    return d;
  });
  return [...new Set(cleaned)];
}

/** The domain of an email address, lower-cased. */
export const domainOf = (email: string): string => email.slice(email.lastIndexOf("@") + 1).toLowerCase();
