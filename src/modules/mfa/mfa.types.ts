import { Field, InputType, Int, ObjectType } from "type-graphql";
import { Role } from "../users/user.role.js";
import { AuthPayload } from "../auth/auth.types.js";

@ObjectType({ description: "The caller's second factors, and whether their role requires one." })
export class SecondFactorStatus {
  @Field(() => Boolean, { description: "Whether an authenticator app (TOTP) is set up." })
  totpEnabled!: boolean;

  @Field(() => Int, { description: "How many passkeys are registered." })
  passkeyCount!: number;

  @Field(() => Int, { description: "Unused recovery codes left (0 to 10)." })
  recoveryCodesLeft!: number;

  @Field(() => Boolean, { description: "Whether the caller's role must have a second factor (the role policy)." })
  required!: boolean;

  @Field(() => Date, {
    nullable: true,
    description: "When required and none is set up yet: the end of the grace period, after which signing in asks to enrol first (MFA_ENROLMENT_REQUIRED).",
  })
  graceEndsAt!: Date | null;
}

@ObjectType({ description: "A TOTP secret waiting for its first code: scan the QR code or type the key into an authenticator app." })
export class TotpEnrolment {
  @Field(() => String, { description: "The otpauth:// URI the QR code holds." })
  otpauthUri!: string;

  @Field(() => String, { description: "The QR code of `otpauthUri` as a PNG data URL, for an <img>." })
  qrCodeDataUrl!: string;

  @Field(() => String, { description: "The secret in base32, in groups of four, to type by hand." })
  manualKey!: string;
}

@ObjectType({ description: "A second factor is on (an authenticator app, or a passkey enrolled for a sign-in). The recovery codes are shown this once." })
export class TotpConfirmation {
  @Field(() => [String], { description: "Ten single-use recovery codes, each signs in once instead of a code. Store them safely: they are not shown again. Empty after a passkey enrolment when the account still had unused codes." })
  recoveryCodes!: string[];

  @Field(() => AuthPayload, { nullable: true, description: "With an enrolment token: the session the enrolment completes. Null for a signed-in caller." })
  signIn!: AuthPayload | null;
}

@InputType({ description: "The second step of a sign-in: the challenge token and exactly one of a code, a recovery code or a passkey's answer." })
export class CompleteSignInInput {
  @Field(() => String, { description: "The `challengeToken` of the MFA_REQUIRED error, or of startPasskeySignIn." })
  challengeToken!: string;

  @Field(() => String, { nullable: true, description: "The 6-digit code of the authenticator app." })
  code?: string | null;

  @Field(() => String, { nullable: true, description: "One of the recovery codes (dashes and case do not matter); each works once." })
  recoveryCode?: string | null;

  @Field(() => String, { nullable: true, description: "The JSON of the browser's WebAuthn assertion (@simplewebauthn/browser startAuthentication())." })
  passkeyResponse?: string | null;
}

@ObjectType({ description: "WebAuthn options to hand to the browser, and the challenge they belong to." })
export class PasskeyChallenge {
  @Field(() => String, { description: "Send it back with the browser's answer; valid 5 minutes, once." })
  challengeToken!: string;

  @Field(() => String, { description: "The options as JSON (PublicKeyCredentialCreationOptionsJSON or ...RequestOptionsJSON)." })
  optionsJson!: string;
}

@ObjectType({ description: "Whether a role must have a second factor." })
export class SecondFactorPolicy {
  @Field(() => Role, { description: "The role." })
  role!: Role;

  @Field(() => Boolean, { description: "Whether its members must set up a second factor." })
  required!: boolean;

  @Field(() => Int, { description: "Days a member may still sign in without one, counted from their first sign-in under the requirement." })
  graceDays!: number;

  @Field(() => Boolean, { description: "False while the server's default (MFA_REQUIRED_ROLES, MFA_GRACE_DAYS) applies, true once an admin set it." })
  custom!: boolean;
}
