import { createHash, randomInt } from "node:crypto";

export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32 without look-alikes: people type these from paper.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** "XXXXX-XXXXX": ten characters of 5 bits each, 50 random bits. */
export function newRecoveryCode(): string {
  let code = "";
  for (let i = 0; i < 10; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** What is hashed: upper case, without spaces or dashes, with O read as 0 and I/L as 1. */
export function normaliseRecoveryCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}

export function hashRecoveryCode(input: string): string {
  return createHash("sha256").update(`deskql-recovery:${normaliseRecoveryCode(input)}`).digest("hex");
}
