import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { BadUserInputError, ConflictError } from "../../core/errors.js";
import { withEntityManager, type RequestScope } from "../../core/scope.js";
import { normaliseEmail } from "../auth/credentials.validation.js";
import { verifyEmailMail } from "../mail/account-mail.templates.js";
import { enqueueMail } from "../mail/outbox.js";
import { User } from "../users/user.entity.js";
import { aboutAccount } from "./account.events.js";
import { AccountTokenPurpose } from "./account-token.entity.js";
import { findUsableToken, issueAccountToken, lockAccount, lockAccountByEmail, spendToken } from "./account-tokens.js";
import type { AccountEmailLimits } from "./account.rate-limits.js";
import type { BackgroundTasks } from "./background-tasks.js";

/** Proving ownership of the sign-in address: the link sent at registration, and new ones on request. */
export class EmailVerificationService {
  constructor(
    private readonly config: AppConfig,
    private readonly limits: AccountEmailLimits,
    private readonly background: BackgroundTasks,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Queues the verification email for `user` in the scope's open transaction. Registration
   * reaches it through user.registered (account.subscribers.ts), so an account never exists
   * without its email on the way. The link goes into the mail only, never into the event.
   */
  async send(tx: RequestScope, user: User): Promise<void> {
    const now = tx.clock.now();
    const { link, validFor } = await issueAccountToken(tx.em, user, AccountTokenPurpose.VERIFY_EMAIL, this.config.publicUrl, tx.request.ip, now);
    enqueueMail(tx.em, { to: user.email, kind: "VERIFY_EMAIL", ...verifyEmailMail({ displayName: user.displayName, link, validFor }) }, now);
    await this.events.raise(tx, { type: "email_verification.sent", actorId: user.id, ...aboutAccount(user.id), payload: {} });
  }

  /** The registration's mail: it counts toward the address's hourly budget like a resend does. */
  async sendToNewAccount(tx: RequestScope, user: User): Promise<void> {
    await this.limits.count("verification", user.email);
    await this.send(tx, user);
  }

  /**
   * Sends a new link: to the signed-in caller, or to `email` for someone who cannot sign in yet
   * (REQUIRE_VERIFIED_EMAIL). The anonymous answer is the same whether or not the address has
   * an unverified account.
   */
  async resend(scope: RequestScope, email: string | undefined): Promise<boolean> {
    const { viewer, request } = scope;
    if (viewer) {
      const user = await scope.em.findOneOrFail(User, { id: viewer.userId });
      if (user.emailVerified) throw new ConflictError("Your email address is already verified.");
      await this.limits.consume("verification", user.email, request.ip);
      await this.events.transaction(scope, async (tx) => {
        await lockAccount(tx.em, user.id);
        await this.send(tx, user);
      });
      return true;
    }
    if (!email) throw new BadUserInputError("Sign in first, or give the email address of the account to verify.", "email");
    const address = normaliseEmail(email, "email");
    await this.limits.consume("verification", address, request.ip);
    // Its own EntityManager: the request's is gone by the time the task runs.
    this.background.run("resend verification", () =>
      this.events.transaction(withEntityManager(scope, scope.em.fork()), async (tx) => {
        const user = await lockAccountByEmail(tx.em, address);
        if (!user || user.emailVerified || user.deactivatedAt) return;
        await this.send(tx, user);
      }),
    );
    return true;
  }

  async verify(scope: RequestScope, presented: string): Promise<boolean> {
    const now = scope.clock.now();
    const stored = await findUsableToken(scope.em, presented, AccountTokenPurpose.VERIFY_EMAIL, now, "input");
    const user = stored.user.getEntity();
    // Someone signed in as another account opening this link most likely mixed up accounts.
    if (scope.viewer && scope.viewer.userId !== user.id) {
      throw new BadUserInputError("This link is for another account. Sign out, then open it again.", "token", { reason: "OTHER_ACCOUNT" });
    }
    await this.events.transaction(scope, async (tx) => {
      await spendToken(tx.em, stored, now, "input");
      await tx.em.nativeUpdate(User, { id: user.id }, { emailVerified: true });
      await this.events.raise(tx, { type: "email.verified", actorId: user.id, ...aboutAccount(user.id), payload: {} });
    });
    return true;
  }
}
