import type { EntityManager } from "@mikro-orm/core";
import type { AppConfig } from "../../config.js";
import type { RequestMeta, Viewer } from "../../graphql/context.js";
import { BadUserInputError, ConflictError } from "../../core/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import { AuditAction } from "../audit/audit.actions.js";
import { normaliseEmail } from "../auth/credentials.validation.js";
import { verifyEmailMail } from "../mail/account-mail.templates.js";
import { enqueueMail } from "../mail/outbox.js";
import { User } from "../users/user.entity.js";
import { AccountTokenPurpose } from "./account-token.entity.js";
import { findUsableToken, issueAccountToken, spendToken } from "./account-tokens.js";
import type { AccountEmailLimits } from "./account.rate-limits.js";
import type { BackgroundTasks } from "./background-tasks.js";

/**
 * Queues the verification email for `user` on `em`, in the caller's transaction (registration
 * calls this, so an account never exists without its email on the way).
 */
export async function enqueueVerificationEmail(em: EntityManager, config: AppConfig, user: User, request: RequestMeta | null, now = new Date()): Promise<void> {
  const { link, validFor } = await issueAccountToken(em, user, AccountTokenPurpose.VERIFY_EMAIL, config.publicUrl, request?.ip ?? null, now);
  enqueueMail(em, { to: user.email, kind: "VERIFY_EMAIL", ...verifyEmailMail({ displayName: user.displayName, link, validFor }) }, now);
  recordAudit(em, request, { action: AuditAction.EMAIL_VERIFICATION_SENT, actorId: user.id, targetType: "User", targetId: user.id });
}

/** Proving ownership of the sign-in address: the link sent at registration, and new ones on request. */
export class EmailVerificationService {
  constructor(
    private readonly config: AppConfig,
    private readonly limits: AccountEmailLimits,
    private readonly background: BackgroundTasks,
  ) {}

  /**
   * Sends a new link: to the signed-in caller, or to `email` for someone who cannot sign in yet
   * (REQUIRE_VERIFIED_EMAIL). The anonymous answer is the same whether or not the address has
   * an unverified account.
   */
  async resend(em: EntityManager, request: RequestMeta, viewer: Viewer | null, email: string | undefined, now: Date): Promise<boolean> {
    if (viewer) {
      const user = await em.findOneOrFail(User, { id: viewer.userId });
      if (user.emailVerified) throw new ConflictError("Your email address is already verified.");
      await this.limits.consume("verification", user.email, request.ip);
      await em.transactional((tx) => enqueueVerificationEmail(tx, this.config, user, request, now));
      return true;
    }
    if (!email) throw new BadUserInputError("Sign in first, or give the email address of the account to verify.", "email");
    const address = normaliseEmail(email, "email");
    await this.limits.consume("verification", address, request.ip);
    this.background.run("resend verification", () =>
      em.fork().transactional(async (tx) => {
        const user = await tx.findOne(User, { email: address });
        if (!user || user.emailVerified || user.deactivatedAt) return;
        await enqueueVerificationEmail(tx, this.config, user, request, now);
      }),
    );
    return true;
  }

  async verify(em: EntityManager, request: RequestMeta, viewer: Viewer | null, presented: string, now: Date): Promise<boolean> {
    const stored = await findUsableToken(em, presented, AccountTokenPurpose.VERIFY_EMAIL, now, "input");
    const user = stored.user.getEntity();
    // Someone signed in as another account opening this link most likely mixed up accounts.
    if (viewer && viewer.userId !== user.id) {
      throw new BadUserInputError("This link is for another account. Sign out, then open it again.", "token", { reason: "OTHER_ACCOUNT" });
    }
    await em.transactional(async (tx) => {
      await spendToken(tx, stored, now, "input");
      await tx.nativeUpdate(User, { id: user.id }, { emailVerified: true });
      recordAudit(tx, request, { action: AuditAction.EMAIL_VERIFIED, actorId: user.id, targetType: "User", targetId: user.id });
    });
    return true;
  }
}
