import { Entity, Enum, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";

export enum MfaChallengePurpose {
  /** A first factor passed; the second completes the sign-in (completeSignIn). */
  SECOND_FACTOR = "SECOND_FACTOR",
  /** A role policy's grace period is over: the token only allows enrolling TOTP. */
  ENROLMENT = "ENROLMENT",
  /** Passwordless sign-in with a discoverable passkey: no user until the assertion names one. */
  PASSKEY_SIGN_IN = "PASSKEY_SIGN_IN",
  /** A signed-in user registering a passkey. */
  PASSKEY_REGISTRATION = "PASSKEY_REGISTRATION",
}

/**
 * A short-lived, single-use step of a sign-in or registration. The client holds the opaque token
 * (hd_mfa_…); only its SHA-256 is stored. Bound to the user the first factor proved (none for a
 * passwordless passkey sign-in until the assertion names one).
 */
@Entity({ tableName: "mfa_challenges" })
export class MfaChallenge extends BaseEntity<"usedAt" | "webauthnChallenge" | "user" | "method"> {
  @Unique({ name: "mfa_challenges_hash_unique" })
  @Property({ type: "string", length: 64 })
  tokenHash!: string;

  @Enum({ items: () => MfaChallengePurpose, nativeEnumName: "mfa_challenge_purpose" })
  purpose!: MfaChallengePurpose;

  @ManyToOne(() => User, { ref: true, deleteRule: "cascade", nullable: true })
  user: Ref<User> | null = null;

  /** How the first factor was proved: "password" or "sign_in_link"; recorded with the sign-in. */
  @Property({ type: "string", length: 20, nullable: true })
  method: string | null = null;

  /** The WebAuthn challenge (base64url) of the options last handed out for it. */
  @Property({ type: "string", length: 128, nullable: true })
  webauthnChallenge: string | null = null;

  @Property({ type: "datetime", length: 3 })
  expiresAt!: Date;

  @Property({ type: "datetime", length: 3, nullable: true })
  usedAt: Date | null = null;
}
