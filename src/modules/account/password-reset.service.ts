import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { BadUserInputError } from "../../core/errors.js";
import { withEntityManager, type RequestScope } from "../../core/scope.js";
import { normaliseEmail } from "../auth/credentials.validation.js";
import { assertPasswordSignInAllowed } from "../auth/sso-required.js";
import type { PasswordHasher } from "../auth/password.hasher.js";
import { assertPasswordAcceptable } from "../auth/password.policy.js";
import { passwordChangedMail, passwordResetMail } from "../mail/account-mail.templates.js";
import { enqueueMail } from "../mail/outbox.js";
import { DomainEventRecord } from "../../db/domain-event.entity.js";
import { User } from "../users/user.entity.js";
import { aboutAccount } from "./account.events.js";
import { AccountTokenPurpose } from "./account-token.entity.js";
import { findUsableToken, issueAccountToken, lockAccountByEmail, spendToken, voidAccountTokens } from "./account-tokens.js";
import type { AccountEmailLimits } from "./account.rate-limits.js";
import type { BackgroundTasks } from "./background-tasks.js";

/**
 * "Forgot password": a one-hour, single-use link, then a new password. Ending every session of
 * the account is the auth module's reaction to password.reset (auth.subscribers.ts).
 */
export class PasswordResetService {
  constructor(
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly limits: AccountEmailLimits,
    private readonly background: BackgroundTasks,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Always answers true at once: whether the address has an account is decided in the
   * background, so neither the body nor the timing of the answer tells.
   */
  async request(scope: RequestScope, email: string): Promise<boolean> {
    const now = scope.clock.now();
    const address = normaliseEmail(email, "email");
    assertPasswordSignInAllowed(this.config, address, "email");
    await this.limits.consume("password-reset", address, scope.request.ip);
    this.background.run("password reset request", () =>
      this.events.transaction(withEntityManager(scope, scope.em.fork()), async (tx) => {
        const user = await lockAccountByEmail(tx.em, address);
        if (!user || user.deactivatedAt) return;
        const { link, validFor } = await issueAccountToken(tx.em, user, AccountTokenPurpose.RESET_PASSWORD, this.config.publicUrl, tx.request.ip, now);
        enqueueMail(tx.em, { to: user.email, kind: "PASSWORD_RESET", ...passwordResetMail({ displayName: user.displayName, link, validFor }) }, now);
        await this.events.raise(tx, { type: "password_reset.requested", actorId: null, ...aboutAccount(user.id), payload: {} });
      }),
    );
    return true;
  }

  /**
   * Sets the new password, lifts a lockout caused by wrong passwords, ends every session and voids
   * other outstanding links. A lockout caused by wrong second-factor codes stays: the link proves
   * the mailbox, not the second factor, so lifting it would give whoever holds both the password
   * and the mailbox another round of guesses.
   */
  async reset(scope: RequestScope, presented: string, newPassword: string): Promise<boolean> {
    const now = scope.clock.now();
    const stored = await findUsableToken(scope.em, presented, AccountTokenPurpose.RESET_PASSWORD, now, "input");
    const user = stored.user.getEntity();
    assertPasswordSignInAllowed(this.config, user.email);
    if (user.deactivatedAt) throw new BadUserInputError("This account has been deactivated. Contact your administrator.", "token", { reason: "DEACTIVATED" });
    // Checked before spending the token, so a rejected password does not burn the link.
    assertPasswordAcceptable(newPassword, user.email, this.config.passwords, "newPassword");
    const passwordHash = await this.hasher.hash(newPassword);
    await this.events.transaction(scope, async (tx) => {
      await spendToken(tx.em, stored, now, "input");
      // The link proved control of the mailbox: that also verifies the address.
      const keepLock = user.isLocked(now) && (await this.lockedBySecondFactor(tx, user));
      const unlock = keepLock ? {} : { failedLoginCount: 0, lockedUntil: null };
      await tx.em.nativeUpdate(User, { id: user.id }, { passwordHash, ...unlock, emailVerified: true });
      await voidAccountTokens(tx.em, user.id, [AccountTokenPurpose.RESET_PASSWORD, AccountTokenPurpose.SIGN_IN_LINK], now);
      await this.events.raise(tx, { type: "password.reset", actorId: user.id, ...aboutAccount(user.id), payload: {} });
      enqueueMail(tx.em, { to: user.email, kind: "PASSWORD_CHANGED", ...passwordChangedMail({ displayName: user.displayName, at: now, ip: tx.request.ip }) }, now);
    });
    return true;
  }

  /** Whether the failure that locked the account was a second factor's (its last failure, raised with the lock). */
  private async lockedBySecondFactor(tx: RequestScope, user: User): Promise<boolean> {
    const lockedAt = new Date(user.lockedUntil!.getTime() - this.config.lockout.minutes * 60_000 - 1000);
    const last = await tx.em.findOne(
      DomainEventRecord,
      { occurredAt: { $gte: lockedAt }, userId: user.id, type: { $in: ["login.failed", "second_factor.failed"] } },
      { orderBy: { position: "desc" }, fields: ["type"] },
    );
    return last?.type === "second_factor.failed";
  }
}
