import { LockMode, type EntityManager } from "@mikro-orm/core";
import { type AppError, BadUserInputError, UnauthenticatedError } from "../../core/errors.js";
import { hashOpaqueToken, newOpaqueToken } from "../auth/opaque-token.js";
import { User } from "../users/user.entity.js";
import { AccountToken, AccountTokenPurpose } from "./account-token.entity.js";

interface PurposeRules {
  /** Tells people and secret scanners what a leaked token is for. */
  prefix: string;
  ttlMs: number;
  validFor: string;
  /** The web client's route (hash routing: `/#/<path>/<token>`) that calls the mutation. */
  path: string;
}

/** Lifetimes: short for what signs in or changes the password, a day for a verification. */
export const PURPOSES: Record<AccountTokenPurpose, PurposeRules> = {
  [AccountTokenPurpose.VERIFY_EMAIL]: { prefix: "hd_ve_", ttlMs: 24 * 3_600_000, validFor: "24 hours", path: "/verify-email" },
  [AccountTokenPurpose.RESET_PASSWORD]: { prefix: "hd_pr_", ttlMs: 3_600_000, validFor: "1 hour", path: "/reset-password" },
  [AccountTokenPurpose.SIGN_IN_LINK]: { prefix: "hd_sl_", ttlMs: 10 * 60_000, validFor: "10 minutes", path: "/sign-in-link" },
};

export interface IssuedAccountToken {
  token: string;
  /** The link to email. The token travels in the URL fragment, which browsers never send to servers or in Referer headers. */
  link: string;
  validFor: string;
}

/**
 * The account an emailed link is for, read under its row lock as the transaction's first
 * statement (null when none): two requests for one address queue here, and the second one's
 * reads start after the first committed, so issueAccountToken voids the first one's link. On
 * MariaDB a plain read first would fix the transaction's snapshot before the wait, and the
 * second request would not see the first one's link (an older link kept working in 4 of 8
 * back-to-back requests). SQLite serializes writers anyway and drops the lock clause.
 */
export function lockAccountByEmail(em: EntityManager, email: string): Promise<User | null> {
  return em.findOne(User, { email }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}

/** As lockAccountByEmail, for an account already known: call it first in the transaction that issues the link. */
export async function lockAccount(em: EntityManager, userId: string): Promise<void> {
  await em.findOne(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE, fields: ["id"], disableIdentityMap: true });
}

/**
 * Creates a token for `user` (voiding its earlier live ones of the same purpose), flushed by the
 * caller. For an existing account, its row must have been locked first (lockAccount).
 */
export async function issueAccountToken(
  em: EntityManager,
  user: User,
  purpose: AccountTokenPurpose,
  publicUrl: string,
  requestedIp: string | null,
  now: Date,
): Promise<IssuedAccountToken> {
  await voidAccountTokens(em, user.id, [purpose], now);
  const rules = PURPOSES[purpose];
  const token = newOpaqueToken(rules.prefix); // 256 random bits
  em.create(AccountToken, { user, purpose, tokenHash: hashOpaqueToken(token), expiresAt: new Date(now.getTime() + rules.ttlMs), requestedIp });
  return { token, link: `${publicUrl.replace(/\/$/, "")}/#${rules.path}/${token}`, validFor: rules.validFor };
}

/**
 * Voids a user's live tokens of some purposes. Found with a plain read, then updated by primary
 * key: an UPDATE by (user, purpose) would take InnoDB gap locks, and two registrations at once
 * would deadlock inserting their first tokens into the same gap.
 */
export async function voidAccountTokens(em: EntityManager, userId: string, purposes: AccountTokenPurpose[], now: Date): Promise<void> {
  const live = await em.find(AccountToken, { user: userId, purpose: { $in: purposes }, usedAt: null, voidedAt: null }, { fields: ["id"], disableIdentityMap: true });
  if (live.length) await em.nativeUpdate(AccountToken, { id: { $in: live.map((t) => t.id) }, usedAt: null, voidedAt: null }, { voidedAt: now });
}

export type TokenProblem = "INVALID" | "USED" | "REPLACED" | "EXPIRED";

const MESSAGES: Record<TokenProblem, (validFor: string) => string> = {
  INVALID: () => "This link is not valid. Check that it was copied completely, or ask for a new one.",
  USED: () => "This link was already used. Ask for a new one if you still need it.",
  REPLACED: () => "This link was replaced by a newer one. Use the link from the most recent email.",
  EXPIRED: (validFor) => `This link has expired: it worked for ${validFor}. Ask for a new one.`,
};

/** How a flow reports a bad token: forms get BAD_USER_INPUT on `token`, sign-in gets UNAUTHENTICATED. */
export type TokenErrorStyle = "input" | "sign-in";

export function tokenError(problem: TokenProblem, purpose: AccountTokenPurpose, style: TokenErrorStyle): AppError {
  const message = MESSAGES[problem](PURPOSES[purpose].validFor);
  return style === "input" ? new BadUserInputError(message, "token", { reason: problem }) : new UnauthenticatedError(message, { reason: problem });
}

/** The stored token for `presented` if it can still be spent (user populated); throws otherwise. */
export async function findUsableToken(
  em: EntityManager,
  presented: string,
  purpose: AccountTokenPurpose,
  now: Date,
  style: TokenErrorStyle,
): Promise<AccountToken> {
  const { prefix } = PURPOSES[purpose];
  if (!presented.startsWith(prefix) || presented.length > 200) throw tokenError("INVALID", purpose, style);
  const stored = await em.findOne(AccountToken, { tokenHash: hashOpaqueToken(presented), purpose }, { populate: ["user"] });
  if (!stored) throw tokenError("INVALID", purpose, style);
  if (stored.usedAt) throw tokenError("USED", purpose, style);
  if (stored.voidedAt) throw tokenError("REPLACED", purpose, style);
  if (stored.expiresAt <= now) throw tokenError("EXPIRED", purpose, style);
  return stored;
}

/** Spends a token found usable: of two concurrent requests with it, exactly one succeeds. */
export async function spendToken(em: EntityManager, stored: AccountToken, now: Date, style: TokenErrorStyle): Promise<void> {
  const won = await em.nativeUpdate(AccountToken, { id: stored.id, usedAt: null, voidedAt: null }, { usedAt: now });
  if (won !== 1) throw tokenError("USED", stored.purpose, style);
}
