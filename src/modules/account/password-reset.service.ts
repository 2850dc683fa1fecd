import type { EntityManager } from "@mikro-orm/core";
import type { AppConfig } from "../../config.js";
import type { RequestMeta } from "../../graphql/context.js";
import { BadUserInputError } from "../../core/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import { AuditAction } from "../audit/audit.actions.js";
import { normaliseEmail } from "../auth/credentials.validation.js";
import type { PasswordHasher } from "../auth/password.hasher.js";
import { assertPasswordAcceptable } from "../auth/password.policy.js";
import type { SessionService } from "../auth/session.service.js";
import { passwordChangedMail, passwordResetMail } from "../mail/account-mail.templates.js";
import { enqueueMail } from "../mail/outbox.js";
import { User } from "../users/user.entity.js";
import { AccountTokenPurpose } from "./account-token.entity.js";
import { findUsableToken, issueAccountToken, spendToken, voidAccountTokens } from "./account-tokens.js";
import type { AccountEmailLimits } from "./account.rate-limits.js";
import type { BackgroundTasks } from "./background-tasks.js";

/** "Forgot password": a one-hour, single-use link, then a new password that ends every session. */
export class PasswordResetService {
  constructor(
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly limits: AccountEmailLimits,
    private readonly background: BackgroundTasks,
  ) {}

  /**
   * Always answers true at once: whether the address has an account is decided in the
   * background, so neither the body nor the timing of the answer tells.
   */
  async request(em: EntityManager, request: RequestMeta, email: string, now: Date): Promise<boolean> {
    const address = normaliseEmail(email, "email");
    await this.limits.consume("password-reset", address, request.ip);
    this.background.run("password reset request", () =>
      em.fork().transactional(async (tx) => {
        const user = await tx.findOne(User, { email: address });
        if (!user || user.deactivatedAt) return;
        const { link, validFor } = await issueAccountToken(tx, user, AccountTokenPurpose.RESET_PASSWORD, this.config.publicUrl, request.ip, now);
        enqueueMail(tx, { to: user.email, kind: "PASSWORD_RESET", ...passwordResetMail({ displayName: user.displayName, link, validFor }) }, now);
        recordAudit(tx, request, { action: AuditAction.PASSWORD_RESET_REQUESTED, targetType: "User", targetId: user.id });
      }),
    );
    return true;
  }

  /** Sets the new password, lifts a lockout, ends every session and voids other outstanding links. */
  async reset(em: EntityManager, request: RequestMeta, presented: string, newPassword: string, now: Date): Promise<boolean> {
    const stored = await findUsableToken(em, presented, AccountTokenPurpose.RESET_PASSWORD, now, "input");
    const user = stored.user.getEntity();
    if (user.deactivatedAt) throw new BadUserInputError("This account has been deactivated. Contact your administrator.", "token", { reason: "DEACTIVATED" });
    // Checked before spending the token, so a rejected password does not burn the link.
    assertPasswordAcceptable(newPassword, user.email, this.config.passwords, "newPassword");
    const passwordHash = await this.hasher.hash(newPassword);
    await em.transactional(async (tx) => {
      await spendToken(tx, stored, now, "input");
      // The link proved control of the mailbox: that also verifies the address.
      await tx.nativeUpdate(User, { id: user.id }, { passwordHash, failedLoginCount: 0, lockedUntil: null, emailVerified: true });
      await voidAccountTokens(tx, user.id, [AccountTokenPurpose.RESET_PASSWORD, AccountTokenPurpose.SIGN_IN_LINK], now);
      await this.sessions.revokeAllForUser(tx, user.id, "password_reset");
      recordAudit(tx, request, { action: AuditAction.PASSWORD_RESET, actorId: user.id, targetType: "User", targetId: user.id });
      enqueueMail(tx, { to: user.email, kind: "PASSWORD_CHANGED", ...passwordChangedMail({ displayName: user.displayName, at: now, ip: request.ip }) }, now);
    });
    return true;
  }
}
