import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { AccountLockedError, AppError, BadUserInputError, SecondFactorRequiredError, UnauthenticatedError } from "../../core/errors.js";
import type { RequestScope } from "../../core/scope.js";
import type { RateLimits } from "../auth/rate-limits.js";
import type { FirstFactor, SecondFactorGate } from "../auth/second-factor.gate.js";
import type { IssuedTokens, SessionService } from "../auth/session.service.js";
import { User } from "../users/user.entity.js";
import { MfaChallengePurpose, type MfaChallenge } from "./mfa-challenge.entity.js";
import { findChallenge, issueChallenge, purgeChallenges, spendChallenge } from "./mfa.challenges.js";
import { aboutAccount } from "./mfa.events.js";
import { graceEnd, policyFor } from "./mfa.policy.js";
import type { PasskeyOptions, PasskeyService } from "./passkey.service.js";
import { RecoveryCode } from "./recovery-code.entity.js";
import { hashRecoveryCode } from "./recovery-codes.js";
import { SecondFactorState } from "./second-factor.entity.js";
import type { SecretBox } from "./secret-box.js";
import { acceptedTotpStep } from "./totp.js";

export interface SecondFactorAnswer {
  challengeToken: string;
  code?: string | null;
  recoveryCode?: string | null;
  /** The JSON of @simplewebauthn/browser's startAuthentication() result. */
  passkeyResponse?: string | null;
}

type Method = "totp" | "recovery_code" | "passkey";

const WRONG = "The code is not right. Check your authenticator app's clock, or use a recovery code.";

/**
 * The second step of signing in. The password and sign-in-link flows hand every account to
 * `intercept` (auth/second-factor.gate.ts) once its first factor passed; an account with a
 * second factor gets MFA_REQUIRED and a challenge instead of tokens, and `complete` turns the
 * challenge and a TOTP code, a recovery code or a passkey's assertion into the session.
 * Wrong answers count toward the account's lockout like wrong passwords.
 */
export class MfaSignInService implements SecondFactorGate {
  constructor(
    private readonly config: AppConfig,
    private readonly box: SecretBox,
    private readonly passkeys: PasskeyService,
    private readonly sessions: SessionService,
    private readonly rateLimits: RateLimits,
    private readonly events: DomainEvents,
  ) {}

  async intercept(tx: RequestScope, user: User, method: FirstFactor, totpCode?: string | null): Promise<AppError | null> {
    const now = tx.clock.now();
    // One statement for what every password sign-in needs to know (sign-ins are argon2-bound, and
    // a password-only account must not pay more); the ORM reads below are for the rare cases.
    const [facts] = await tx.em
      .getConnection()
      .execute<{ totp: number | string | null; passkeys: number | string; required: number | string | boolean | null }[]>(
        `select (select count(*) from mfa_states s where s.user_id = ? and s.totp_secret is not null) as totp,
                (select count(*) from mfa_passkeys p where p.user_id = ?) as passkeys,
                (select r.required from mfa_role_policies r where r.role = ?) as required`,
        [user.id, user.id, user.role],
        "all",
        tx.em.getTransactionContext(),
      );
    const totp = Number(facts?.totp ?? 0) > 0;
    const passkeys = Number(facts?.passkeys ?? 0);
    if (totp && totpCode) return this.acceptTotpWithPassword(tx, user, totpCode, now);
    if (totp || passkeys > 0) {
      const { token, challenge } = issueChallenge(tx.em, MfaChallengePurpose.SECOND_FACTOR, user, now, { method });
      const methods = [...(totp ? ["TOTP", "RECOVERY_CODE"] : ["RECOVERY_CODE"]), ...(passkeys ? ["PASSKEY"] : [])];
      return new SecondFactorRequiredError("MFA_REQUIRED", "Enter the code from your authenticator app, a recovery code, or use a passkey.", {
        challengeToken: token,
        expiresAt: challenge.expiresAt.toISOString(),
        methods,
      });
    }
    const storedRequired = facts?.required;
    const required = storedRequired === null || storedRequired === undefined ? (this.config.mfa.requiredRoles as readonly string[]).includes(user.role) : Boolean(Number(storedRequired));
    if (!required) return null;
    const policy = await policyFor(tx.em, this.config.mfa, user.role);
    const state = await tx.em.findOne(SecondFactorState, { user: user.id });
    if (!state?.graceStartedAt) {
      // The first sign-in under the requirement starts this account's grace period.
      if (state) state.graceStartedAt = now;
      else tx.em.create(SecondFactorState, { user, graceStartedAt: now });
      return policy.graceDays > 0 ? null : this.enrolmentRequired(tx, user, now);
    }
    return graceEnd(state.graceStartedAt, policy.graceDays) > now ? null : this.enrolmentRequired(tx, user, now);
  }

  /** Both factors in one request: the same checks, replay guard and lockout as completeSignIn's code. */
  private async acceptTotpWithPassword(tx: RequestScope, user: User, code: string, now: Date): Promise<AppError | null> {
    if (!(await this.acceptTotp(tx, user, code, now))) return this.fail(tx, user, "totp", now);
    await this.events.raise(tx, { type: "second_factor.succeeded", actorId: user.id, ...aboutAccount(user.id), payload: { method: "totp", firstFactor: "password" } });
    return null;
  }

  private enrolmentRequired(tx: RequestScope, user: User, now: Date): AppError {
    const { token, challenge } = issueChallenge(tx.em, MfaChallengePurpose.ENROLMENT, user, now, { method: "password" });
    return new SecondFactorRequiredError("MFA_ENROLMENT_REQUIRED", "Your role requires two-factor authentication: set up an authenticator app or a passkey to finish signing in.", {
      challengeToken: token,
      expiresAt: challenge.expiresAt.toISOString(),
      methods: ["TOTP", "PASSKEY"],
    });
  }

  /** WebAuthn options for a sign-in: bound to a second-factor challenge, or (none given) a new passwordless one. */
  async passkeyOptions(scope: RequestScope, challengeToken: string | null | undefined): Promise<PasskeyOptions> {
    await this.rateLimits.consume("login", scope.request.ip);
    const now = scope.clock.now();
    return this.events.transaction(scope, async (tx) => {
      if (challengeToken) {
        const challenge = await findChallenge(tx.em, challengeToken, [MfaChallengePurpose.SECOND_FACTOR], now);
        const { challenge: webauthn, optionsJson } = await this.passkeys.authenticationOptions(tx.em, challenge.user!.id);
        challenge.webauthnChallenge = webauthn;
        return { challengeToken, optionsJson };
      }
      await purgeChallenges(tx.em, now);
      const { challenge: webauthn, optionsJson } = await this.passkeys.authenticationOptions(tx.em, null);
      const { token } = issueChallenge(tx.em, MfaChallengePurpose.PASSKEY_SIGN_IN, null, now, { method: "passkey", webauthnChallenge: webauthn });
      return { challengeToken: token, optionsJson };
    });
  }

  async complete(scope: RequestScope, answer: SecondFactorAnswer): Promise<IssuedTokens> {
    await this.rateLimits.consume("login", scope.request.ip);
    const now = scope.clock.now();
    const given = [answer.code, answer.recoveryCode, answer.passkeyResponse].filter((v) => v !== null && v !== undefined && v !== "");
    if (given.length !== 1) throw new BadUserInputError("Give exactly one of code, recoveryCode and passkeyResponse.", "input");
    const challenge = await findChallenge(scope.em, answer.challengeToken, [MfaChallengePurpose.SECOND_FACTOR, MfaChallengePurpose.PASSKEY_SIGN_IN], now);
    if (challenge.purpose === MfaChallengePurpose.PASSKEY_SIGN_IN && !answer.passkeyResponse) {
      throw new BadUserInputError("A passwordless sign-in is completed with a passkey.", "input.passkeyResponse");
    }
    const known = challenge.user?.getEntity() ?? null;
    if (known?.isLocked(now)) throw new AccountLockedError(known.lockedUntil!);

    const result = await this.events.transaction(scope, async (tx) => {
      let method: Method;
      let user = known;
      let recoveryCodesLeft: number | undefined;
      if (answer.passkeyResponse) {
        method = "passkey";
        const passkey = await this.passkeys.verifyAssertion(tx.em, challenge, answer.passkeyResponse, now);
        if (!passkey) return known ? this.fail(tx, known, method, now) : new UnauthenticatedError("This passkey did not sign in. Try another, or sign in with your password.");
        user = passkey.user.getEntity();
      } else if (answer.code) {
        method = "totp";
        if (!(await this.acceptTotp(tx, known!, answer.code, now))) return this.fail(tx, known!, method, now);
      } else {
        method = "recovery_code";
        const left = await this.spendRecoveryCode(tx, known!, answer.recoveryCode!, now);
        if (left === null) return this.fail(tx, known!, method, now);
        recoveryCodesLeft = left;
      }
      if (!user || user.deactivatedAt) return new UnauthenticatedError("This account has been deactivated. Contact your administrator.", { reason: "DEACTIVATED" });
      return this.signIn(tx, challenge, user, method, now, recoveryCodesLeft);
    });
    if (result instanceof AppError) throw result;
    // Best-effort housekeeping of spent and expired challenges: a failed sweep is retried by a later one.
    await purgeChallenges(scope.em, now).catch(() => undefined);
    return result;
  }

  /** Accepts a code newer than the last one accepted, and records its time-step (no replay). */
  private async acceptTotp(tx: RequestScope, user: User, code: string, now: Date): Promise<boolean> {
    const state = await tx.em.findOne(SecondFactorState, { user: user.id });
    if (!state?.totpSecret) return false;
    const secret = await this.box.open(state.totpSecret, user.id);
    if (!secret) return false;
    const step = acceptedTotpStep(secret, code.trim(), now, state.lastTotpStep);
    if (step === null) return false;
    // Conditional, so two requests with one code cannot both pass.
    const last = state.lastTotpStep;
    const won = await tx.em.nativeUpdate(SecondFactorState, { id: state.id, lastTotpStep: last }, { lastTotpStep: step });
    return won === 1;
  }

  /** Spends a recovery code: the number left, or null when it is not one of the account's unused codes. */
  private async spendRecoveryCode(tx: RequestScope, user: User, code: string, now: Date): Promise<number | null> {
    if (code.length > 40) return null;
    const won = await tx.em.nativeUpdate(RecoveryCode, { user: user.id, codeHash: hashRecoveryCode(code), usedAt: null }, { usedAt: now });
    if (won !== 1) return null;
    return tx.em.count(RecoveryCode, { user: user.id, usedAt: null });
  }

  private async signIn(tx: RequestScope, challenge: MfaChallenge, user: User, method: Method, now: Date, recoveryCodesLeft?: number): Promise<IssuedTokens> {
    await spendChallenge(tx.em, challenge, now);
    const signedIn = { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now, ...(challenge.method === "sign_in_link" ? { emailVerified: true } : {}) };
    await tx.em.nativeUpdate(User, { id: user.id }, signedIn);
    Object.assign(user, signedIn);
    const opened = await this.sessions.open(tx, user);
    const firstFactor = challenge.method ?? "password";
    await this.events.raise(tx, {
      type: "login.succeeded",
      actorId: user.id,
      ...aboutAccount(user.id, "Session", opened.session.id),
      payload: firstFactor === "sign_in_link" ? { method: "sign_in_link" } : firstFactor === "passkey" ? { method: "passkey" } : {},
    });
    await this.events.raise(tx, {
      type: "second_factor.succeeded",
      actorId: user.id,
      ...aboutAccount(user.id, "Session", opened.session.id),
      payload: { method, firstFactor, ...(recoveryCodesLeft !== undefined ? { recoveryCodesLeft } : {}) },
    });
    return opened;
  }

  /** Counts a wrong second factor like a wrong password (atomically; see AuthService.failWrongPassword). */
  private async fail(tx: RequestScope, user: User, method: Method, now: Date): Promise<AppError> {
    const connection = tx.em.getConnection();
    const trx = tx.em.getTransactionContext();
    await connection.execute("update users set failed_login_count = failed_login_count + 1 where id = ?", [user.id], "run", trx);
    const [row] = await connection.execute<{ failed_login_count: number }[]>("select failed_login_count from users where id = ?", [user.id], "all", trx);
    const failures = Number(row?.failed_login_count ?? 0);
    await this.events.raise(tx, { type: "second_factor.failed", actorId: user.id, ...aboutAccount(user.id), payload: { method, failures } });
    if (failures < this.config.lockout.maxFailures) return new UnauthenticatedError(WRONG, { reason: "MFA_CODE_INVALID" });
    const until = new Date(now.getTime() + this.config.lockout.minutes * 60_000);
    await tx.em.nativeUpdate(User, { id: user.id }, { lockedUntil: until, failedLoginCount: 0 });
    await this.events.raise(tx, { type: "account.locked", actorId: null, ...aboutAccount(user.id), payload: { until: until.toISOString() } });
    return new AccountLockedError(until);
  }
}
