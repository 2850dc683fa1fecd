import { BadUserInputError } from "../../core/errors.js";
import { textLength } from "../../core/text.js";

// RFC 5321 caps an address at 254 octets; a practical pattern, not the full RFC grammar.
const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[^\s@"<>()[\]\\,;:]+\.[^\s@"<>()[\]\\,;:]{2,}$/;

/** Trims and lower-cases an email, or rejects it naming `field`. */
export function normaliseEmail(raw: string, field: string): string {
  const email = raw.trim().toLowerCase();
  // \s does not cover NUL and other control or format characters: an address carrying them
  // is not one anyone can receive mail at, and would spoof logs, lists and mail headers.
  if (email.length > 254 || !EMAIL.test(email) || /[\p{Cc}\p{Cf}]/u.test(email)) throw new BadUserInputError("Enter a valid email address.", field);
  return email;
}

export function normaliseDisplayName(raw: string, field: string): string {
  const name = raw.trim().replace(/\s+/g, " ");
  if (name.length < 1 || textLength(name) > 100) throw new BadUserInputError("The display name must be 1 to 100 characters long.", field);
  // Control characters would let a name spoof log lines or UI.
  if (/[\p{Cc}\p{Cf}]/u.test(name)) throw new BadUserInputError("The display name contains invisible control characters.", field);
  return name;
}
