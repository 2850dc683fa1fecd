import { UniqueConstraintViolationException, type EntityManager } from "@mikro-orm/core";
import { RateLimiterMemory } from "rate-limiter-flexible";
import type { AppConfig } from "../../config.js";
import type { RequestMeta, Viewer } from "../../graphql/context.js";
import { AccountLockedError, BadUserInputError, ConflictError, UnauthenticatedError } from "../../core/errors.js";
import { enqueueVerificationEmail } from "../account/email-verification.service.js";
import { recordAudit } from "../audit/audit.service.js";
import { AuditAction } from "../audit/audit.actions.js";
import { User } from "../users/user.entity.js";
import { Role } from "../users/user.role.js";
import type { LoginInput, RegisterInput } from "./auth.types.js";
import { normaliseDisplayName, normaliseEmail } from "./credentials.validation.js";
import type { PasswordHasher } from "./password.hasher.js";
import { assertPasswordAcceptable } from "./password.policy.js";
import type { RateLimits } from "./rate-limits.js";
import type { IssuedTokens, SessionService } from "./session.service.js";

const BAD_CREDENTIALS = "The email or password is incorrect.";

/** Registration, sign-in with lockout, and password changes. */
export class AuthService {
  /**
   * Failed sign-ins for emails that have no account, counted like real ones so that an unknown
   * email locks exactly as a real account would: lockout must not reveal who has an account.
   */
  private readonly phantomFailures: RateLimiterMemory;

  constructor(
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly rateLimits: RateLimits,
  ) {
    this.phantomFailures = new RateLimiterMemory({
      keyPrefix: "phantom-login",
      points: config.lockout.maxFailures,
      duration: config.lockout.minutes * 60,
    });
  }

  async register(em: EntityManager, request: RequestMeta, input: RegisterInput): Promise<IssuedTokens> {
    await this.rateLimits.consume("register", request.ip);
    const email = normaliseEmail(input.email, "input.email");
    const displayName = normaliseDisplayName(input.displayName, "input.displayName");
    assertPasswordAcceptable(input.password, email, this.config.passwords, "input.password");
    const taken = () => new ConflictError("An account with this email already exists. Sign in instead.", { field: "input.email" });
    if (await em.count(User, { email })) throw taken();
    const passwordHash = await this.hasher.hash(input.password);

    const tokens = await em
      .transactional(async (tx) => {
        const user = tx.create(User, { email, displayName, passwordHash, role: Role.CUSTOMER });
        recordAudit(tx, request, { action: AuditAction.USER_REGISTERED, actorId: user.id, targetType: "User", targetId: user.id });
        await enqueueVerificationEmail(tx, this.config, user, request); // the link that proves the address (account module)
        // With REQUIRE_VERIFIED_EMAIL the account may not sign in before that, so registering opens no session.
        return this.config.account.requireVerifiedEmail ? null : this.sessions.open(tx, user, request);
      })
      .catch((error: unknown) => {
        // Two registrations of one address at once both pass the count; the unique index decides.
        throw error instanceof UniqueConstraintViolationException ? taken() : error;
      });
    if (!tokens) throw new UnauthenticatedError("Account created. Follow the link we emailed you to verify your address, then sign in.", { reason: "EMAIL_NOT_VERIFIED" });
    return tokens;
  }

  async login(em: EntityManager, request: RequestMeta, input: LoginInput, now = new Date()): Promise<IssuedTokens> {
    await this.rateLimits.consume("login", request.ip);
    // No account has a longer address (RFC 5321); capping it bounds what an unknown-email
    // attempt costs in memory (the phantom lockout counter is keyed by it for 30 minutes).
    const email = input.email.trim().toLowerCase().slice(0, 255);
    if (input.password.length > this.config.passwords.maxLength * 4) throw new UnauthenticatedError(BAD_CREDENTIALS);

    const user = email.length <= 254 ? await em.findOne(User, { email }) : null;
    if (!user) return this.failUnknownEmail(em, request, email, input.password, now);

    const passwordOk = await this.hasher.verify(user.passwordHash, input.password);
    if (user.isLocked(now)) throw new AccountLockedError(user.lockedUntil!);
    if (!passwordOk) return this.failWrongPassword(em, request, user, now);
    if (user.deactivatedAt) throw new UnauthenticatedError("This account has been deactivated. Contact your administrator.");
    if (this.config.account.requireVerifiedEmail && !user.emailVerified) {
      throw new UnauthenticatedError("Verify your email address first: follow the link we emailed you, or ask for a new one.", { reason: "EMAIL_NOT_VERIFIED" });
    }

    const rehash = this.hasher.needsRehash(user.passwordHash) ? await this.hasher.hash(input.password) : null;
    const signedIn = { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now };
    const tokens = await em.transactional(async (tx) => {
      // The account's row is written first, so its exclusive lock comes before the session's
      // foreign key takes a shared one: when the flush both inserted the session and updated the
      // user, two sign-ins of one account at once deadlocked (each holding the shared lock, each
      // waiting to upgrade it).
      await tx.nativeUpdate(User, { id: user.id }, { ...signedIn, ...(rehash ? { passwordHash: rehash } : {}) });
      const opened = await this.sessions.open(tx, user, request, now);
      recordAudit(tx, request, { action: AuditAction.LOGIN_SUCCEEDED, actorId: user.id, targetType: "Session", targetId: opened.session.id });
      return opened;
    });
    // Only now, so that the flush does not write the row a second time with the same values.
    Object.assign(user, signedIn);
    return tokens;
  }

  async changePassword(em: EntityManager, request: RequestMeta, userId: string, sessionId: string, current: string, next: string): Promise<void> {
    await this.rateLimits.consume("login", request.ip);
    const user = await em.findOneOrFail(User, { id: userId });
    if (!(await this.hasher.verify(user.passwordHash, current))) throw new BadUserInputError("The current password is incorrect.", "currentPassword");
    if (current === next) throw new BadUserInputError("The new password must differ from the current one.", "newPassword");
    assertPasswordAcceptable(next, user.email, this.config.passwords, "newPassword");
    const passwordHash = await this.hasher.hash(next);
    await em.transactional(async (tx) => {
      await tx.nativeUpdate(User, { id: userId }, { passwordHash });
      await this.sessions.revokeAllForUser(tx, userId, "password_changed", sessionId);
      recordAudit(tx, request, { action: AuditAction.PASSWORD_CHANGED, actorId: userId, targetType: "User", targetId: userId });
    });
  }

  /** Ends the session of `refreshToken` if given, else the viewer's own session. */
  async logout(em: EntityManager, request: RequestMeta, viewer: Viewer | null, refreshToken: string | undefined): Promise<void> {
    if (!refreshToken && !viewer) throw new UnauthenticatedError("Sign in first, or pass the refresh token of the session to end.");
    await em.transactional(async (tx) => {
      let sessionId = viewer?.sessionId;
      let userId = viewer?.userId;
      if (refreshToken) {
        const session = await this.sessions.revokeByRefreshToken(tx, refreshToken);
        if (!session) return; // unknown or foreign token: nothing to end, and nothing to reveal
        sessionId = session.id;
        userId = session.user.id;
      } else {
        await this.sessions.revokeSession(tx, sessionId!, "logout");
      }
      recordAudit(tx, request, { action: AuditAction.LOGGED_OUT, actorId: userId, targetType: "Session", targetId: sessionId });
    });
  }

  private async failWrongPassword(em: EntityManager, request: RequestMeta, user: User, now: Date): Promise<never> {
    const lockedUntil = await em.transactional(async (tx) => {
      // Atomic increment: parallel wrong guesses must all count. Raw statements run outside the
      // transaction unless handed its context: on the one-connection embedded database that
      // waited forever for the connection the transaction holds.
      const connection = tx.getConnection();
      const trx = tx.getTransactionContext();
      await connection.execute("update users set failed_login_count = failed_login_count + 1 where id = ?", [user.id], "run", trx);
      const [row] = await connection.execute<{ failed_login_count: number }[]>("select failed_login_count from users where id = ?", [user.id], "all", trx);
      const failures = Number(row?.failed_login_count ?? 0);
      recordAudit(tx, request, { action: AuditAction.LOGIN_FAILED, actorId: user.id, targetType: "User", targetId: user.id, details: { reason: "wrong_password", failures } });
      if (failures < this.config.lockout.maxFailures) return null;
      const until = new Date(now.getTime() + this.config.lockout.minutes * 60_000);
      await tx.nativeUpdate(User, { id: user.id }, { lockedUntil: until, failedLoginCount: 0 });
      recordAudit(tx, request, { action: AuditAction.ACCOUNT_LOCKED, actorId: null, targetType: "User", targetId: user.id, details: { until: until.toISOString() } });
      return until;
    });
    if (lockedUntil) throw new AccountLockedError(lockedUntil);
    throw new UnauthenticatedError(BAD_CREDENTIALS);
  }

  private async failUnknownEmail(em: EntityManager, request: RequestMeta, email: string, password: string, now: Date): Promise<never> {
    await this.hasher.verifyAgainstDummy(password);
    const fork = em.fork();
    recordAudit(fork, request, { action: AuditAction.LOGIN_FAILED, details: { reason: "unknown_email", email: email.slice(0, 254) } });
    await fork.flush();
    const state = await this.phantomFailures.get(email);
    if (state && state.consumedPoints >= this.config.lockout.maxFailures) throw new AccountLockedError(new Date(now.getTime() + state.msBeforeNext));
    const after = await this.phantomFailures.penalty(email, 1);
    if (after.consumedPoints >= this.config.lockout.maxFailures) {
      const until = new Date(now.getTime() + this.config.lockout.minutes * 60_000);
      await this.phantomFailures.block(email, this.config.lockout.minutes * 60);
      throw new AccountLockedError(until);
    }
    throw new UnauthenticatedError(BAD_CREDENTIALS);
  }
}
