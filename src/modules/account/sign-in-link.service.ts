import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { AppError, ForbiddenError, UnauthenticatedError } from "../../core/errors.js";
import { withEntityManager, type RequestScope } from "../../core/scope.js";
import { normaliseEmail } from "../auth/credentials.validation.js";
import { assertPasswordSignInAllowed } from "../auth/sso-required.js";
import type { IssuedTokens, SessionService } from "../auth/session.service.js";
import { noSecondFactor, type SecondFactorGate } from "../auth/second-factor.gate.js";
import { signInLinkMail } from "../mail/account-mail.templates.js";
import { enqueueMail } from "../mail/outbox.js";
import { User } from "../users/user.entity.js";
import { aboutAccount } from "./account.events.js";
import { AccountTokenPurpose } from "./account-token.entity.js";
import { findUsableToken, issueAccountToken, lockAccountByEmail, spendToken } from "./account-tokens.js";
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
    private readonly events: DomainEvents,
    private readonly secondFactor: SecondFactorGate = noSecondFactor,
  ) {}

  /** Answers true at once whether or not the address has an account (see PasswordResetService.request). */
  async request(scope: RequestScope, email: string): Promise<boolean> {
    this.assertEnabled();
    const now = scope.clock.now();
    const address = normaliseEmail(email, "email");
    assertPasswordSignInAllowed(this.config, address, "email");
    await this.limits.consume("sign-in-link", address, scope.request.ip);
    this.background.run("sign-in link request", () =>
      this.events.transaction(withEntityManager(scope, scope.em.fork()), async (tx) => {
        const user = await lockAccountByEmail(tx.em, address);
        if (!user || user.deactivatedAt) return;
        const { link, validFor } = await issueAccountToken(tx.em, user, AccountTokenPurpose.SIGN_IN_LINK, this.config.publicUrl, tx.request.ip, now);
        enqueueMail(tx.em, { to: user.email, kind: "SIGN_IN_LINK", ...signInLinkMail({ displayName: user.displayName, link, validFor }) }, now);
        await this.events.raise(tx, { type: "sign_in_link.requested", actorId: null, ...aboutAccount(user.id), payload: {} });
      }),
    );
    return true;
  }

  async signIn(scope: RequestScope, presented: string): Promise<IssuedTokens> {
    this.assertEnabled();
    const now = scope.clock.now();
    const stored = await findUsableToken(scope.em, presented, AccountTokenPurpose.SIGN_IN_LINK, now, "sign-in");
    const user = stored.user.getEntity();
    assertPasswordSignInAllowed(this.config, user.email);
    if (user.deactivatedAt) throw new UnauthenticatedError("This account has been deactivated. Contact your administrator.", { reason: "DEACTIVATED" });
    const tokens = await this.events.transaction(scope, async (tx) => {
      await spendToken(tx.em, stored, now, "sign-in");
      // The link is spent either way: a second factor then completes the sign-in (mfa module).
      const stop = await this.secondFactor.intercept(tx, user, "sign_in_link");
      if (stop) return stop;
      // The link proved control of the mailbox, so it also verifies the address.
      await tx.em.nativeUpdate(User, { id: user.id }, { lastLoginAt: now, emailVerified: true });
      Object.assign(user, { lastLoginAt: now, emailVerified: true });
      const tokens = await this.sessions.open(tx, user);
      await this.events.raise(tx, {
        type: "login.succeeded",
        actorId: user.id,
        target: { type: "Session", id: tokens.session.id },
        refs: { userId: user.id },
        visibility: "ADMIN",
        payload: { method: "sign_in_link" },
      });
      return tokens;
    });
    if (tokens instanceof AppError) throw tokens;
    return tokens;
  }

  private assertEnabled(): void {
    if (!this.config.account.magicLinkEnabled) throw new ForbiddenError("Sign-in links are switched off on this desk. Sign in with your password.");
  }
}
