import type { AuthenticationResponseJSON, AuthenticatorTransportFuture, RegistrationResponseJSON } from "@simplewebauthn/server";
import type { EntityManager } from "@mikro-orm/core";
import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { BadUserInputError, NotFoundError } from "../../core/errors.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { User } from "../users/user.entity.js";
import { MfaChallengePurpose, type MfaChallenge } from "./mfa-challenge.entity.js";
import { findChallenge, issueChallenge, spendChallenge } from "./mfa.challenges.js";
import { aboutAccount } from "./mfa.events.js";
import { Passkey } from "./passkey.entity.js";

// Loaded with the first passkey ceremony, not at startup: with its ASN.1 and X.509 libraries it is
// ~2 MB of heap that a desk without passkeys never uses.
const webauthn = () => import("@simplewebauthn/server");

export interface PasskeyOptions {
  challengeToken: string;
  /** PublicKeyCredentialCreationOptionsJSON or PublicKeyCredentialRequestOptionsJSON, for @simplewebauthn/browser. */
  optionsJson: string;
}

const MAX_PASSKEYS = 20;

/** A registration whose WebAuthn answer passed, waiting to be stored. */
export interface VerifiedRegistration {
  label: string;
  challenge: MfaChallenge;
  credential: { id: string; publicKey: Uint8Array; counter: number; transports?: AuthenticatorTransportFuture[] };
}

function parseResponse<T>(json: string, field: string): T {
  try {
    const parsed = JSON.parse(json) as unknown;
    if (parsed && typeof parsed === "object" && typeof (parsed as { id?: unknown }).id === "string") return parsed as T;
  } catch {
    // answered below
  }
  throw new BadUserInputError("The passkey's answer is not a WebAuthn credential in JSON.", field);
}

function passkeyName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 60) throw new BadUserInputError("A passkey's name has 1 to 60 characters.", "name");
  return trimmed;
}

const transportsOf = (passkey: Passkey) => (passkey.transports ? (passkey.transports.split(",") as AuthenticatorTransportFuture[]) : undefined);

/** Passkeys (WebAuthn, @simplewebauthn/server): registration and management, and the checks behind passkey sign-in. */
export class PasskeyService {
  constructor(
    private readonly config: AppConfig["mfa"],
    private readonly events: DomainEvents,
  ) {}

  list(scope: RequestScope): Promise<Passkey[]> {
    const { userId } = requireViewer(scope);
    return scope.em.find(Passkey, { user: userId }, { orderBy: { createdAt: "ASC" } });
  }

  /**
   * Options for navigator.credentials.create(): a discoverable credential, so it can also sign in
   * without a password. For the signed-in caller, or (`enrolling`) the account of an enrolment token.
   */
  async startRegistration(scope: RequestScope, enrolling?: User): Promise<PasskeyOptions> {
    const now = scope.clock.now();
    const user = enrolling ?? (await scope.em.findOneOrFail(User, { id: requireViewer(scope).userId }));
    const existing = await scope.em.find(Passkey, { user: user.id });
    if (existing.length >= MAX_PASSKEYS) throw new BadUserInputError(`An account has at most ${MAX_PASSKEYS} passkeys: remove one first.`, "name");
    const options = await (await webauthn()).generateRegistrationOptions({
      rpName: this.config.rpName,
      rpID: this.config.rpId,
      userName: user.email,
      userDisplayName: user.displayName,
      userID: new TextEncoder().encode(user.id),
      attestationType: "none",
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: transportsOf(p) })),
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    });
    return this.events.transaction(scope, async (tx) => {
      const { token } = issueChallenge(tx.em, MfaChallengePurpose.PASSKEY_REGISTRATION, user, now, { webauthnChallenge: options.challenge });
      return { challengeToken: token, optionsJson: JSON.stringify(options) };
    });
  }

  async finishRegistration(scope: RequestScope, challengeToken: string, name: string, responseJson: string): Promise<Passkey> {
    const { userId } = requireViewer(scope);
    const verified = await this.verifyRegistration(scope, userId, challengeToken, name, responseJson);
    return this.events.transaction(scope, (tx) => this.store(tx, userId, verified));
  }

  /** The browser's answer to startRegistration checked (before any transaction: it reads only). */
  async verifyRegistration(scope: RequestScope, userId: string, challengeToken: string, name: string, responseJson: string): Promise<VerifiedRegistration> {
    const now = scope.clock.now();
    const label = passkeyName(name);
    const challenge = await findChallenge(scope.em, challengeToken, [MfaChallengePurpose.PASSKEY_REGISTRATION], now);
    if (challenge.user?.id !== userId) throw new BadUserInputError("This registration was started by another account.", "challengeToken");
    const response = parseResponse<RegistrationResponseJSON>(responseJson, "response");
    const verification = await (await webauthn()).verifyRegistrationResponse({
      response,
      expectedChallenge: challenge.webauthnChallenge ?? "",
      expectedOrigin: [...this.config.origins],
      expectedRPID: this.config.rpId,
      requireUserVerification: false,
    }).catch((error: unknown) => {
      throw new BadUserInputError(`The passkey could not be registered: ${error instanceof Error ? error.message : "invalid response"}.`, "response");
    });
    if (!verification.verified || !verification.registrationInfo) throw new BadUserInputError("The passkey could not be verified.", "response");
    const { credential } = verification.registrationInfo;
    if (await scope.em.count(Passkey, { credentialId: credential.id })) throw new BadUserInputError("This passkey is already registered.", "response");
    return { label, challenge, credential };
  }

  /** Keeps a verified passkey and spends its registration challenge, in the caller's transaction. */
  async store(tx: RequestScope, userId: string, { label, challenge, credential }: VerifiedRegistration): Promise<Passkey> {
    await spendChallenge(tx.em, challenge, tx.clock.now());
    const passkey = tx.em.create(Passkey, {
      user: tx.em.getReference(User, userId),
      name: label,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString("base64url"),
      signCount: credential.counter,
      transports: credential.transports?.join(",") ?? null,
    });
    await this.events.raise(tx, { type: "passkey.registered", actorId: userId, ...aboutAccount(userId, "Passkey", passkey.id), payload: { name: label } });
    return passkey;
  }

  async rename(scope: RequestScope, id: string, name: string): Promise<Passkey> {
    const { userId } = requireViewer(scope);
    const label = passkeyName(name);
    return this.events.transaction(scope, async (tx) => {
      const passkey = await tx.em.findOne(Passkey, { id, user: userId });
      if (!passkey) throw new NotFoundError("Passkey", id);
      passkey.name = label;
      return passkey;
    });
  }

  async remove(scope: RequestScope, id: string): Promise<boolean> {
    const { userId } = requireViewer(scope);
    return this.events.transaction(scope, async (tx) => {
      const passkey = await tx.em.findOne(Passkey, { id, user: userId });
      if (!passkey) throw new NotFoundError("Passkey", id);
      tx.em.remove(passkey);
      await this.events.raise(tx, { type: "passkey.removed", actorId: userId, ...aboutAccount(userId, "Passkey", passkey.id), payload: { name: passkey.name } });
      return true;
    });
  }

  /** Options for navigator.credentials.get(): the account's passkeys, or any discoverable one (user null). */
  async authenticationOptions(em: EntityManager, userId: string | null): Promise<{ challenge: string; optionsJson: string }> {
    const passkeys = userId ? await em.find(Passkey, { user: userId }) : [];
    const options = await (await webauthn()).generateAuthenticationOptions({
      rpID: this.config.rpId,
      allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: transportsOf(p) })),
      // Passwordless, the passkey is both factors: it must verify its user (PIN, biometrics).
      userVerification: userId ? "preferred" : "required",
    });
    return { challenge: options.challenge, optionsJson: JSON.stringify(options) };
  }

  /**
   * The passkey that answered `challenge`, updated with its new signature count, or null when the
   * answer does not verify (unknown credential, another account's, wrong challenge or origin).
   */
  async verifyAssertion(em: EntityManager, challenge: MfaChallenge, responseJson: string, now: Date): Promise<Passkey | null> {
    const response = parseResponse<AuthenticationResponseJSON>(responseJson, "input.passkeyResponse");
    const passkey = await em.findOne(Passkey, { credentialId: response.id }, { populate: ["user"] });
    if (!passkey || !challenge.webauthnChallenge) return null;
    if (challenge.user && challenge.user.id !== passkey.user.id) return null;
    const verification = await (await webauthn()).verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.webauthnChallenge,
      expectedOrigin: [...this.config.origins],
      expectedRPID: this.config.rpId,
      credential: { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, "base64url"), counter: passkey.signCount, transports: transportsOf(passkey) },
      requireUserVerification: !challenge.user,
    }).catch(() => null);
    if (!verification?.verified) return null;
    passkey.signCount = verification.authenticationInfo.newCounter;
    passkey.lastUsedAt = now;
    return passkey;
  }
}
