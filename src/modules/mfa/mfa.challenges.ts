import type { EntityManager } from "@mikro-orm/core";
import { UnauthenticatedError } from "../../core/errors.js";
import { hashOpaqueToken, newOpaqueToken } from "../auth/opaque-token.js";
import type { User } from "../users/user.entity.js";
import { MfaChallenge, MfaChallengePurpose } from "./mfa-challenge.entity.js";

const PREFIX = "hd_mfa_";

/** Five minutes to type a code or touch a key; ten to scan a QR code and confirm it. */
const TTL_MS: Record<MfaChallengePurpose, number> = {
  [MfaChallengePurpose.SECOND_FACTOR]: 5 * 60_000,
  [MfaChallengePurpose.PASSKEY_SIGN_IN]: 5 * 60_000,
  [MfaChallengePurpose.PASSKEY_REGISTRATION]: 5 * 60_000,
  [MfaChallengePurpose.ENROLMENT]: 10 * 60_000,
};

export interface IssuedChallenge {
  token: string;
  challenge: MfaChallenge;
}

/** A new challenge, persisted by the caller's flush. */
export function issueChallenge(
  em: EntityManager,
  purpose: MfaChallengePurpose,
  user: User | null,
  now: Date,
  extra: { method?: string; webauthnChallenge?: string } = {},
): IssuedChallenge {
  const token = newOpaqueToken(PREFIX);
  const challenge = em.create(MfaChallenge, {
    tokenHash: hashOpaqueToken(token),
    purpose,
    user,
    method: extra.method ?? null,
    webauthnChallenge: extra.webauthnChallenge ?? null,
    expiresAt: new Date(now.getTime() + TTL_MS[purpose]),
  });
  return { token, challenge };
}

const invalid = () =>
  new UnauthenticatedError("This sign-in step has expired or was already used. Start signing in again.", { reason: "MFA_CHALLENGE_INVALID" });

/** The live challenge of `presented` for one of `purposes`; UNAUTHENTICATED (reason MFA_CHALLENGE_INVALID) otherwise. */
export async function findChallenge(em: EntityManager, presented: string, purposes: MfaChallengePurpose[], now: Date): Promise<MfaChallenge> {
  if (typeof presented !== "string" || !presented.startsWith(PREFIX) || presented.length > 100) throw invalid();
  const found = await em.findOne(MfaChallenge, { tokenHash: hashOpaqueToken(presented), purpose: { $in: purposes } }, { populate: ["user"] });
  if (!found || found.usedAt || found.expiresAt <= now) throw invalid();
  return found;
}

/** Spends it: of two requests completing one challenge, exactly one gets through. */
export async function spendChallenge(em: EntityManager, challenge: MfaChallenge, now: Date): Promise<void> {
  const won = await em.nativeUpdate(MfaChallenge, { id: challenge.id, usedAt: null }, { usedAt: now });
  if (won !== 1) throw invalid();
}

/** Deletes challenges that ended a day ago or more: best-effort housekeeping. */
export async function purgeChallenges(em: EntityManager, now: Date): Promise<void> {
  await em.nativeDelete(MfaChallenge, { expiresAt: { $lt: new Date(now.getTime() - 24 * 3_600_000) } });
}
