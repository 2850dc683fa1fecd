import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { Role } from "../../core/identity.js";
import { BadUserInputError, ConflictError, NotFoundError, UnauthenticatedError } from "../../core/errors.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import type { IssuedTokens, SessionService } from "../auth/session.service.js";
import { enqueueMail } from "../mail/outbox.js";
import { User } from "../users/user.entity.js";
import { MfaChallengePurpose, type MfaChallenge } from "./mfa-challenge.entity.js";
import { MfaRolePolicy } from "./mfa-role-policy.entity.js";
import { findChallenge, spendChallenge } from "./mfa.challenges.js";
import { aboutAccount } from "./mfa.events.js";
import { secondFactorResetMail } from "./mfa.mail.js";
import { allPolicies, graceEnd, policyFor, type EffectivePolicy } from "./mfa.policy.js";
import { Passkey } from "./passkey.entity.js";
import type { PasskeyOptions, PasskeyService } from "./passkey.service.js";
import { RecoveryCode } from "./recovery-code.entity.js";
import { hashRecoveryCode, newRecoveryCode, RECOVERY_CODE_COUNT } from "./recovery-codes.js";
import { SecondFactorState } from "./second-factor.entity.js";
import type { SecretBox } from "./secret-box.js";
import { acceptedTotpStep, newTotpSecret, totpUri } from "./totp.js";

export interface SecondFactorOverview {
  totpEnabled: boolean;
  passkeyCount: number;
  recoveryCodesLeft: number;
  required: boolean;
  /** While a required user has no second factor yet: when sign-in stops working without one. */
  graceEndsAt: Date | null;
}

export interface TotpEnrolment {
  otpauthUri: string;
  qrCodeDataUrl: string;
  manualKey: string;
}

export interface ConfirmedEnrolment {
  recoveryCodes: string[];
  /** With an enrolment token: the sign-in it completes. */
  tokens: IssuedTokens | null;
}

/** Enrolment and management of second factors, the role policy, and the admin reset. */
export class MfaService {
  constructor(
    private readonly config: AppConfig,
    private readonly box: SecretBox,
    private readonly sessions: SessionService,
    private readonly passkeys: PasskeyService,
    private readonly events: DomainEvents,
  ) {}

  /** Start-up check of the TOTP encryption key; logs instead of failing, since passkeys and passwords work without it. */
  async checkEncryptionKey(log: { error(obj: object, msg: string): void }): Promise<void> {
    await this.box.check().catch((error: unknown) => log.error({ err: error, cause: (error as Error).cause }, "TOTP secrets cannot be encrypted: set MFA_ENCRYPTION_KEY"));
  }

  async overview(scope: RequestScope, userId = requireViewer(scope).userId): Promise<SecondFactorOverview> {
    const { em } = scope;
    const user = await em.findOneOrFail(User, { id: userId });
    const [state, passkeyCount, recoveryCodesLeft, policy] = await Promise.all([
      em.findOne(SecondFactorState, { user: userId }),
      em.count(Passkey, { user: userId }),
      em.count(RecoveryCode, { user: userId, usedAt: null }),
      policyFor(em, this.config.mfa, user.role),
    ]);
    const totpEnabled = Boolean(state?.totpSecret);
    const enrolled = totpEnabled || passkeyCount > 0;
    const graceEndsAt = policy.required && !enrolled ? graceEnd(state?.graceStartedAt ?? scope.clock.now(), policy.graceDays) : null;
    return { totpEnabled, passkeyCount, recoveryCodesLeft, required: policy.required, graceEndsAt };
  }

  /** A new secret for the caller (or the account of an enrolment token), kept pending until a first code confirms it. */
  async startTotp(scope: RequestScope, enrolmentToken?: string | null): Promise<TotpEnrolment> {
    const now = scope.clock.now();
    const user = await this.enrollingUser(scope, enrolmentToken, now);
    return this.events.transaction(scope, async (tx) => {
      const state = await this.stateOf(tx, user);
      if (state.totpSecret) throw new ConflictError("An authenticator app is already set up. Turn it off first to set up another.");
      const secret = newTotpSecret();
      state.pendingTotpSecret = await this.box.seal(secret, user.id);
      const otpauthUri = totpUri(secret, user.email, this.config.mfa.rpName);
      const { default: QRCode } = await import("qrcode"); // with the first enrolment, not at startup
      const qrCodeDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: "M", margin: 2, width: 240 });
      return { otpauthUri, qrCodeDataUrl, manualKey: secret.replace(/(.{4})/g, "$1 ").trim() };
    });
  }

  /** Turns TOTP on with a first right code; answers the ten recovery codes, once. */
  async confirmTotp(scope: RequestScope, code: string, enrolmentToken?: string | null): Promise<ConfirmedEnrolment> {
    const now = scope.clock.now();
    const user = await this.enrollingUser(scope, enrolmentToken, now);
    const challenge = enrolmentToken ? await findChallenge(scope.em, enrolmentToken, [MfaChallengePurpose.ENROLMENT], now) : null;
    return this.events.transaction(scope, async (tx) => {
      const state = await this.stateOf(tx, user);
      const pending = state.pendingTotpSecret ? await this.box.open(state.pendingTotpSecret, user.id) : null;
      if (!pending) throw new ConflictError("Start the setup first: no authenticator app is waiting for its first code.");
      const step = acceptedTotpStep(pending, code.trim(), now, null);
      if (step === null) throw new BadUserInputError("The code is not right. Scan the QR code again, or check your device's clock.", "code");
      Object.assign(state, { totpSecret: state.pendingTotpSecret, pendingTotpSecret: null, totpEnabledAt: now, lastTotpStep: step });
      const recoveryCodes = await this.replaceRecoveryCodes(tx, user.id);
      await this.events.raise(tx, { type: "second_factor.enabled", actorId: user.id, ...aboutAccount(user.id), payload: { method: "totp" } });
      if (!challenge) return { recoveryCodes, tokens: null };
      return { recoveryCodes, tokens: await this.completeEnrolmentSignIn(tx, challenge, user, now) };
    });
  }

  /** WebAuthn options to create a passkey: for the signed-in caller, or the account of an enrolment token. */
  async startPasskeyRegistration(scope: RequestScope, enrolmentToken?: string | null): Promise<PasskeyOptions> {
    const user = enrolmentToken ? await this.enrollingUser(scope, enrolmentToken, scope.clock.now()) : undefined;
    return this.passkeys.startRegistration(scope, user);
  }

  /**
   * A passkey as the second factor a role policy required (MFA_ENROLMENT_REQUIRED): registers it,
   * hands out recovery codes when the account has none left, and completes the sign-in.
   */
  async finishPasskeyEnrolment(scope: RequestScope, enrolmentToken: string, challengeToken: string, name: string, response: string): Promise<ConfirmedEnrolment> {
    const now = scope.clock.now();
    const challenge = await findChallenge(scope.em, enrolmentToken, [MfaChallengePurpose.ENROLMENT], now);
    const user = challenge.user!.getEntity();
    const verified = await this.passkeys.verifyRegistration(scope, user.id, challengeToken, name, response);
    return this.events.transaction(scope, async (tx) => {
      await this.passkeys.store(tx, user.id, verified);
      const unused = await tx.em.count(RecoveryCode, { user: user.id, usedAt: null });
      const recoveryCodes = unused > 0 ? [] : await this.replaceRecoveryCodes(tx, user.id);
      await this.events.raise(tx, { type: "second_factor.enabled", actorId: user.id, ...aboutAccount(user.id), payload: { method: "passkey" } });
      return { recoveryCodes, tokens: await this.completeEnrolmentSignIn(tx, challenge, user, now) };
    });
  }

  /** The enrolment token stood for a right first factor; with the second now proved, the sign-in completes. */
  private async completeEnrolmentSignIn(tx: RequestScope, challenge: MfaChallenge, user: User, now: Date): Promise<IssuedTokens> {
    await spendChallenge(tx.em, challenge, now);
    const signedIn = { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now };
    await tx.em.nativeUpdate(User, { id: user.id }, signedIn);
    Object.assign(user, signedIn);
    const tokens = await this.sessions.open(tx, user);
    await this.events.raise(tx, { type: "login.succeeded", actorId: user.id, ...aboutAccount(user.id, "Session", tokens.session.id), payload: {} });
    return tokens;
  }

  /** Turns TOTP off; a current code (or a recovery code) proves the caller still holds it. */
  async disableTotp(scope: RequestScope, code: string): Promise<boolean> {
    const { userId } = requireViewer(scope);
    const now = scope.clock.now();
    return this.events.transaction(scope, async (tx) => {
      const state = await tx.em.findOne(SecondFactorState, { user: userId });
      if (!state?.totpSecret) throw new ConflictError("No authenticator app is set up.");
      const secret = await this.box.open(state.totpSecret, userId);
      const byTotp = secret ? acceptedTotpStep(secret, code.trim(), now, state.lastTotpStep) : null;
      const byRecovery = byTotp === null ? await tx.em.nativeUpdate(RecoveryCode, { user: userId, codeHash: hashRecoveryCode(code), usedAt: null }, { usedAt: now }) : 0;
      if (byTotp === null && byRecovery !== 1) throw new BadUserInputError("The code is not right.", "code");
      Object.assign(state, { totpSecret: null, pendingTotpSecret: null, totpEnabledAt: null });
      if (!(await tx.em.count(Passkey, { user: userId }))) await tx.em.nativeDelete(RecoveryCode, { user: userId });
      await this.events.raise(tx, { type: "second_factor.disabled", actorId: userId, ...aboutAccount(userId), payload: { method: "totp" } });
      return true;
    });
  }

  /** Ten new recovery codes; the old ones stop working. */
  async regenerateRecoveryCodes(scope: RequestScope): Promise<string[]> {
    const { userId } = requireViewer(scope);
    return this.events.transaction(scope, async (tx) => {
      const state = await tx.em.findOne(SecondFactorState, { user: userId });
      if (!state?.totpSecret && !(await tx.em.count(Passkey, { user: userId }))) {
        throw new ConflictError("Set up an authenticator app or a passkey first: recovery codes back up a second factor.");
      }
      return this.replaceRecoveryCodes(tx, userId);
    });
  }

  /** An admin removes every second factor of an account (a lost phone); the owner is emailed. */
  async reset(scope: RequestScope, userId: string): Promise<User> {
    const actor = requireViewer(scope);
    const now = scope.clock.now();
    return this.events.transaction(scope, async (tx) => {
      const user = await tx.em.findOne(User, { id: userId });
      if (!user) throw new NotFoundError("User", userId);
      if (user.id === actor.userId) throw new ConflictError("You cannot reset your own second factor; ask another admin.");
      // The grace period starts again: the user may sign in with the password to enrol anew.
      await tx.em.nativeUpdate(SecondFactorState, { user: userId }, { totpSecret: null, pendingTotpSecret: null, totpEnabledAt: null, lastTotpStep: null, graceStartedAt: null });
      await tx.em.nativeDelete(RecoveryCode, { user: userId });
      await tx.em.nativeDelete(Passkey, { user: userId });
      await this.events.raise(tx, { type: "second_factor.reset", actorId: actor.userId, ...aboutAccount(userId), payload: {} });
      enqueueMail(tx.em, { to: user.email, kind: "SECOND_FACTOR_RESET", ...secondFactorResetMail({ displayName: user.displayName, at: now }) }, now);
      return user;
    });
  }

  policies(scope: RequestScope): Promise<EffectivePolicy[]> {
    return allPolicies(scope.em, this.config.mfa);
  }

  async setPolicy(scope: RequestScope, role: Role, required: boolean, graceDays: number): Promise<EffectivePolicy> {
    const actor = requireViewer(scope);
    if (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > 365) throw new BadUserInputError("The grace period is 0 to 365 days.", "graceDays");
    return this.events.transaction(scope, async (tx) => {
      const stored = await tx.em.findOne(MfaRolePolicy, { role });
      if (stored) Object.assign(stored, { required, graceDays });
      else tx.em.create(MfaRolePolicy, { role, required, graceDays });
      await this.events.raise(tx, {
        type: "mfa_policy.changed",
        actorId: actor.userId,
        target: { type: "MfaRolePolicy", id: role },
        refs: {},
        visibility: "ADMIN",
        payload: { role, required, graceDays },
      });
      return { role, required, graceDays, custom: true };
    });
  }

  private async replaceRecoveryCodes(tx: RequestScope, userId: string): Promise<string[]> {
    // By primary key, and only when there are some: on MariaDB a DELETE by user that finds no row
    // takes a gap lock, and two first enrolments at once then deadlock on their inserts.
    const old = await tx.em.find(RecoveryCode, { user: userId }, { fields: ["id"], disableIdentityMap: true });
    if (old.length) await tx.em.nativeDelete(RecoveryCode, { id: { $in: old.map((c) => c.id) } });
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const user = tx.em.getReference(User, userId);
    for (const code of codes) tx.em.create(RecoveryCode, { user, codeHash: hashRecoveryCode(code) });
    await this.events.raise(tx, { type: "recovery_codes.regenerated", actorId: userId, ...aboutAccount(userId), payload: { count: codes.length } });
    return codes;
  }

  /** The signed-in caller (sessions only), or the account an enrolment token was issued to. */
  private async enrollingUser(scope: RequestScope, enrolmentToken: string | null | undefined, now: Date): Promise<User> {
    if (enrolmentToken) {
      const challenge = await findChallenge(scope.em, enrolmentToken, [MfaChallengePurpose.ENROLMENT], now);
      return challenge.user!.getEntity();
    }
    const viewer = requireViewer(scope);
    if (viewer.apiTokenId) throw new UnauthenticatedError("Second factors are managed from a signed-in session, not with an API token.");
    return scope.em.findOneOrFail(User, { id: viewer.userId });
  }

  private async stateOf(tx: RequestScope, user: User): Promise<SecondFactorState> {
    return (await tx.em.findOne(SecondFactorState, { user: user.id })) ?? tx.em.create(SecondFactorState, { user });
  }
}
