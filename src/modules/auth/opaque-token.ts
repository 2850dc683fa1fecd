import { createHash, randomBytes } from "node:crypto";

/** 256 random bits, URL-safe; the prefix tells secret scanners and people what it is. */
export function newOpaqueToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/**
 * Tokens are stored as SHA-256 only: they are long random secrets, so a fast hash is enough
 * (no dictionary to attack), and lookups by hash stay indexable.
 */
export function hashOpaqueToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
