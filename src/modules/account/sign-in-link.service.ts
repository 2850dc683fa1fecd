import type { EntityManager } from "@mikro-orm/core";
import type { AppConfig } from "../../config.js";
import type { RequestMeta } from "../../graphql/context.js";
import { ForbiddenError, UnauthenticatedError } from "../../core/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import { AuditAction } from "../audit/audit.actions.js";
import { normaliseEmail } from "../auth/credentials.validation.js";
import type { IssuedTokens, SessionService } from "../auth/session.service.js";
import { signInLinkMail } from "../mail/account-mail.templates.js";
import { enqueueMail } from "../mail/outbox.js";
import { User } from "../users/user.entity.js";
import { AccountTokenPurpose } from "./account-token.entity.js";
import { findUsableToken, issueAccountToken, spendToken } from "./account-tokens.js";
import type { AccountEmailLimits } from "./account.rate-limits.js";
import type { BackgroundTasks } from "./background-tasks.js";

/**
 * Passwordless sign-in by a ten-minute, single-use emailed link (MAGIC_LINK_ENABLED). It works
 * while the password is locked out: the lockout guards against password guessing, and the link
 * proves control of the mailbox instead.
 */
export class SignInLinkService {
  constructor(
    private readonly config: AppConfig,
    private readonly sessions: SessionService,
    private readonly limits: AccountEmailLimits,
    private readonly background: BackgroundTasks,
  ) {}

  /** Answers true at once whether or not the address has an account (see PasswordResetService.request). */
  async request(em: EntityManager, request: RequestMeta, email: string, now: Date): Promise<boolean> {
    this.assertEnabled();
    const address = normaliseEmail(email, "email");
    await this.limits.consume("sign-in-link", address, request.ip);
    this.background.run("sign-in link request", () =>
      em.fork().transactional(async (tx) => {
        const user = await tx.findOne(User, { email: address });
        if (!user || user.deactivatedAt) return;
        const { link, validFor } = await issueAccountToken(tx, user, AccountTokenPurpose.SIGN_IN_LINK, this.config.publicUrl, request.ip, now);
        enqueueMail(tx, { to: user.email, kind: "SIGN_IN_LINK", ...signInLinkMail({ displayName: user.displayName, link, validFor }) }, now);
        recordAudit(tx, request, { action: AuditAction.SIGN_IN_LINK_REQUESTED, targetType: "User", targetId: user.id });
      }),
    );
    return true;
  }

  async signIn(em: EntityManager, request: RequestMeta, presented: string, now: Date): Promise<IssuedTokens> {
    this.assertEnabled();
    const stored = await findUsableToken(em, presented, AccountTokenPurpose.SIGN_IN_LINK, now, "sign-in");
    const user = stored.user.getEntity();
    if (user.deactivatedAt) throw new UnauthenticatedError("This account has been deactivated. Contact your administrator.", { reason: "DEACTIVATED" });
    return em.transactional(async (tx) => {
      await spendToken(tx, stored, now, "sign-in");
      // The link proved control of the mailbox, so it also verifies the address.
      await tx.nativeUpdate(User, { id: user.id }, { lastLoginAt: now, emailVerified: true });
      Object.assign(user, { lastLoginAt: now, emailVerified: true });
      const tokens = await this.sessions.open(tx, user, request, now);
      recordAudit(tx, request, {
        action: AuditAction.LOGIN_SUCCEEDED,
        actorId: user.id,
        targetType: "Session",
        targetId: tokens.session.id,
        details: { method: "sign_in_link" },
      });
      return tokens;
    });
  }

  private assertEnabled(): void {
    if (!this.config.account.magicLinkEnabled) throw new ForbiddenError("Sign-in links are switched off on this desk. Sign in with your password.");
  }
}
