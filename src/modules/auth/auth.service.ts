import { UniqueConstraintViolationException } from "@mikro-orm/core";
import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { AccountLockedError, AppError, BadUserInputError, ConflictError, UnauthenticatedError } from "../../core/errors.js";
import { Role } from "../../core/identity.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { User } from "../users/user.entity.js";
import type { LoginInput, RegisterInput } from "./auth.types.js";
import { normaliseDisplayName, normaliseEmail } from "./credentials.validation.js";
import type { PasswordHasher } from "./password.hasher.js";
import { assertPasswordAcceptable } from "./password.policy.js";
import { assertPasswordSignInAllowed } from "./sso-required.js";
import type { RateLimits } from "./rate-limits.js";
import { noSecondFactor, type SecondFactorGate } from "./second-factor.gate.js";
import type { IssuedTokens, SessionService } from "./session.service.js";
import { UnknownEmailLockouts } from "./unknown-email-lockout.js";

const BAD_CREDENTIALS = "The email or password is incorrect.";

/** Registration, sign-in with lockout, and password changes. */
export class AuthService {
  /**
   * Failed sign-ins for emails that have no account, counted like real ones so that an unknown
   * email locks exactly as a real account would: lockout must not reveal who has an account.
   */
  private readonly unknownEmails: UnknownEmailLockouts;

  constructor(
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly rateLimits: RateLimits,
    private readonly events: DomainEvents,
    private readonly secondFactor: SecondFactorGate = noSecondFactor,
  ) {
    this.unknownEmails = new UnknownEmailLockouts(config);
  }

  /**
   * The account and user.registered commit together; the account module hears the event and
   * queues the verification email in the same transaction, so no account is left without one.
   */
  async register(scope: RequestScope, input: RegisterInput): Promise<IssuedTokens> {
    const { em, request } = scope;
    await this.rateLimits.consume("register", request.ip);
    const email = normaliseEmail(input.email, "input.email");
    assertPasswordSignInAllowed(this.config, email, "input.email");
    const displayName = normaliseDisplayName(input.displayName, "input.displayName");
    assertPasswordAcceptable(input.password, email, this.config.passwords, "input.password");
    const taken = () => new ConflictError("An account with this email already exists. Sign in instead.", { field: "input.email" });
    const created = () => new UnauthenticatedError("Account created. Follow the link we emailed you to verify your address, then sign in.", { reason: "EMAIL_NOT_VERIFIED" });
    const existing = await em.findOne(User, { email }, { fields: ["id"] });
    // Hashed either way: a taken address must not answer faster than a new one.
    const passwordHash = await this.hasher.hash(input.password);
    if (existing) {
      // Without required verification a new account is signed in at once, which no answer for a
      // taken address can imitate; with it, both are "check your mail", and the owner's mail says
      // what happened (account.subscribers.ts).
      if (!this.config.account.requireVerifiedEmail) throw taken();
      await this.events.transaction(scope, (tx) =>
        this.events.raise(tx, { type: "user.registration_attempted", actorId: null, ...aboutUser(existing.id), payload: {} }),
      );
      throw created();
    }

    const tokens = await this.events
      .transaction(scope, async (tx) => {
        const user = tx.em.create(User, { email, displayName, passwordHash, role: Role.CUSTOMER });
        await this.events.raise(tx, { type: "user.registered", actorId: user.id, ...aboutUser(user.id), payload: {} });
        // With REQUIRE_VERIFIED_EMAIL the account may not sign in before that, so registering opens no session.
        return this.config.account.requireVerifiedEmail ? null : this.sessions.open(tx, user);
      })
      .catch((error: unknown) => {
        // Two registrations of one address at once both pass the count; the unique index decides.
        throw error instanceof UniqueConstraintViolationException ? taken() : error;
      });
    if (!tokens) throw created();
    return tokens;
  }

  async login(scope: RequestScope, input: LoginInput): Promise<IssuedTokens> {
    const { em, request } = scope;
    const now = scope.clock.now();
    await this.rateLimits.consume("login", request.ip);
    // No account has a longer address (RFC 5321); capping it bounds what an unknown-email
    // attempt costs (unknown-email-lockout.ts keys its row by the address's hash).
    const email = input.email.trim().toLowerCase().slice(0, 255);
    if (input.password.length > this.config.passwords.maxLength * 4) throw new UnauthenticatedError(BAD_CREDENTIALS);
    assertPasswordSignInAllowed(this.config, email);

    const user = email.length <= 254 ? await em.findOne(User, { email }) : null;
    if (!user) return this.failUnknownEmail(scope, email, input.password, now);

    const passwordOk = await this.hasher.verify(user.passwordHash, input.password);
    if (user.isLocked(now)) throw new AccountLockedError(user.lockedUntil!);
    if (!passwordOk) return this.failWrongPassword(scope, user, now);
    if (user.deactivatedAt) throw new UnauthenticatedError("This account has been deactivated. Contact your administrator.");
    if (this.config.account.requireVerifiedEmail && !user.emailVerified) {
      throw new UnauthenticatedError("Verify your email address first: follow the link we emailed you, or ask for a new one.", { reason: "EMAIL_NOT_VERIFIED" });
    }

    const rehash = this.hasher.needsRehash(user.passwordHash) ? await this.hasher.hash(input.password) : null;
    const signedIn = { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now };
    const tokens = await this.events.transaction(scope, async (tx) => {
      // A second factor stops here, before the failure count is cleared (mfa module).
      const stop = await this.secondFactor.intercept(tx, user, "password", input.totpCode);
      if (stop) return stop;
      // The account's row is written first, so its exclusive lock comes before the session's
      // foreign key takes a shared one: when the flush both inserted the session and updated the
      // user, two sign-ins of one account at once deadlocked (each holding the shared lock, each
      // waiting to upgrade it).
      await tx.em.nativeUpdate(User, { id: user.id }, { ...signedIn, ...(rehash ? { passwordHash: rehash } : {}) });
      const opened = await this.sessions.open(tx, user);
      await this.events.raise(tx, { type: "login.succeeded", actorId: user.id, ...aboutUser(user.id, "Session", opened.session.id), payload: {} });
      return opened;
    });
    if (tokens instanceof AppError) throw tokens;
    // Only now, so that the flush does not write the row a second time with the same values.
    Object.assign(user, signedIn);
    return tokens;
  }

  /** Changes the caller's password and ends their other sessions. */
  async changePassword(scope: RequestScope, current: string, next: string): Promise<void> {
    const { userId, sessionId } = requireViewer(scope);
    await this.rateLimits.consume("login", scope.request.ip);
    const user = await scope.em.findOneOrFail(User, { id: userId });
    if (!(await this.hasher.verify(user.passwordHash, current))) throw new BadUserInputError("The current password is incorrect.", "currentPassword");
    if (current === next) throw new BadUserInputError("The new password must differ from the current one.", "newPassword");
    assertPasswordAcceptable(next, user.email, this.config.passwords, "newPassword");
    const passwordHash = await this.hasher.hash(next);
    await this.events.transaction(scope, async (tx) => {
      await tx.em.nativeUpdate(User, { id: userId }, { passwordHash });
      await this.sessions.revokeAllForUser(tx, userId, "password_changed", sessionId);
      await this.events.raise(tx, { type: "password.changed", actorId: userId, ...aboutUser(userId), payload: {} });
    });
  }

  /** Ends the session of `refreshToken` if given, else the viewer's own session. */
  async logout(scope: RequestScope, refreshToken: string | undefined): Promise<void> {
    if (!refreshToken && !scope.viewer) throw new UnauthenticatedError("Sign in first, or pass the refresh token of the session to end.");
    await this.events.transaction(scope, async (tx) => {
      let session: { id: string; userId: string };
      if (refreshToken) {
        const ended = await this.sessions.revokeByRefreshToken(tx, refreshToken);
        if (!ended) return; // unknown or foreign token: nothing to end, and nothing to reveal
        session = { id: ended.id, userId: ended.user.id };
      } else {
        const viewer = requireViewer(tx);
        await this.sessions.revokeSession(tx, viewer.sessionId, "logout");
        session = { id: viewer.sessionId, userId: viewer.userId };
      }
      await this.events.raise(tx, { type: "user.logged_out", actorId: session.userId, ...aboutUser(session.userId, "Session", session.id), payload: {} });
    });
  }

  private async failWrongPassword(scope: RequestScope, user: User, now: Date): Promise<never> {
    const lockedUntil = await this.events.transaction(scope, async (tx) => {
      // Atomic increment: parallel wrong guesses must all count. Raw statements run outside the
      // transaction unless handed its context: on the one-connection embedded database that
      // waited forever for the connection the transaction holds.
      const connection = tx.em.getConnection();
      const trx = tx.em.getTransactionContext();
      await connection.execute("update users set failed_login_count = failed_login_count + 1 where id = ?", [user.id], "run", trx);
      const [row] = await connection.execute<{ failed_login_count: number }[]>("select failed_login_count from users where id = ?", [user.id], "all", trx);
      const failures = Number(row?.failed_login_count ?? 0);
      await this.events.raise(tx, { type: "login.failed", actorId: user.id, ...aboutUser(user.id), payload: { reason: "wrong_password", failures } });
      if (failures < this.config.lockout.maxFailures) return null;
      const until = new Date(now.getTime() + this.config.lockout.minutes * 60_000);
      await tx.em.nativeUpdate(User, { id: user.id }, { lockedUntil: until, failedLoginCount: 0 });
      await this.events.raise(tx, { type: "account.locked", actorId: null, ...aboutUser(user.id), payload: { until: until.toISOString() } });
      return until;
    });
    if (lockedUntil) throw new AccountLockedError(lockedUntil);
    throw new UnauthenticatedError(BAD_CREDENTIALS);
  }

  private async failUnknownEmail(scope: RequestScope, email: string, password: string, now: Date): Promise<never> {
    await this.hasher.verifyAgainstDummy(password);
    const { lockedUntil } = await this.events.transaction(scope, async (tx) => {
      const result = await this.unknownEmails.fail(tx.em, email, now);
      // As for a real account, an attempt while locked is refused without a login.failed event.
      // No account to name: the event targets the request, and has no actor or user.
      if (result.counted) {
        await this.events.raise(tx, {
          type: "login.failed",
          actorId: null,
          target: { type: "Request", id: scope.request.requestId.slice(0, 64) },
          visibility: "ADMIN",
          payload: { reason: "unknown_email", email: email.slice(0, 254) },
        });
      }
      return result;
    });
    // Best-effort housekeeping: a failed sweep is retried by a later one.
    await this.unknownEmails.purge(scope.em, now).catch(() => undefined);
    if (lockedUntil) throw new AccountLockedError(lockedUntil);
    throw new UnauthenticatedError(BAD_CREDENTIALS);
  }
}

/** Where an account event points: the account itself, or one of its sessions. ADMIN: sign-in records are user administration. */
function aboutUser(userId: string, targetType: "User" | "Session" = "User", targetId = userId) {
  return { target: { type: targetType, id: targetId }, refs: { userId }, visibility: "ADMIN" as const };
}
