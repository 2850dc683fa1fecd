import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { payload } from "../auth/auth.resolver.js";
import { AuthPayload } from "../auth/auth.types.js";
import { User } from "../users/user.entity.js";
import { Role } from "../users/user.role.js";
import { Passkey } from "./passkey.entity.js";
import { CompleteSignInInput, PasskeyChallenge, SecondFactorPolicy, SecondFactorStatus, TotpConfirmation, TotpEnrolment } from "./mfa.types.js";

const ENROLMENT_TOKEN = {
  nullable: true,
  description: "The `challengeToken` of an MFA_ENROLMENT_REQUIRED sign-in, for someone who may not sign in before enrolling; omit when signed in.",
};

@Resolver()
export class MfaResolver {
  @Query(() => SecondFactorStatus, { description: "The caller's second factors and whether their role requires one." })
  mySecondFactor(@Ctx() ctx: Context): Promise<SecondFactorStatus> {
    return ctx.services.mfa.overview(ctx);
  }

  @Mutation(() => TotpEnrolment, { description: "Starts setting up an authenticator app (TOTP): a new secret, waiting for confirmTotpEnrolment." })
  startTotpEnrolment(@Arg("enrolmentToken", () => String, ENROLMENT_TOKEN) token: string | undefined, @Ctx() ctx: Context): Promise<TotpEnrolment> {
    return ctx.services.mfa.startTotp(ctx, token);
  }

  @Mutation(() => TotpConfirmation, { description: "Turns TOTP on with a first code from the app and returns ten recovery codes (shown once)." })
  async confirmTotpEnrolment(
    @Arg("code", () => String, { description: "The 6-digit code the app shows now." }) code: string,
    @Arg("enrolmentToken", () => String, ENROLMENT_TOKEN) token: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<TotpConfirmation> {
    const done = await ctx.services.mfa.confirmTotp(ctx, code, token);
    return { recoveryCodes: done.recoveryCodes, signIn: done.tokens ? payload(ctx, done.tokens) : null };
  }

  @Mutation(() => Boolean, { description: "Turns TOTP off. Needs a current code or a recovery code." })
  disableTotp(@Arg("code", () => String, { description: "A current TOTP code or an unused recovery code." }) code: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.mfa.disableTotp(ctx, code);
  }

  @Mutation(() => [String], { description: "Replaces the recovery codes with ten new ones (shown once); the old ones stop working." })
  regenerateRecoveryCodes(@Ctx() ctx: Context): Promise<string[]> {
    return ctx.services.mfa.regenerateRecoveryCodes(ctx);
  }

  @Mutation(() => AuthPayload, {
    description:
      "The second step of signing in: a challenge (from MFA_REQUIRED or startPasskeySignIn) and a TOTP code, a recovery code or a passkey's answer. Wrong answers count toward the lockout; the challenge lasts 5 minutes and works once.",
  })
  async completeSignIn(@Arg("input", () => CompleteSignInInput, { description: "The challenge and the answer." }) input: CompleteSignInInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return payload(ctx, await ctx.services.mfaSignIn.complete(ctx, input));
  }

  @Mutation(() => PasskeyChallenge, {
    description: "WebAuthn options for signing in with a passkey: for the second step when `challengeToken` is given, else for a passwordless sign-in.",
  })
  startPasskeySignIn(
    @Arg("challengeToken", () => String, { nullable: true, description: "The MFA_REQUIRED challenge to answer with a passkey; omit for a passwordless sign-in." }) token: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<PasskeyChallenge> {
    return ctx.services.mfaSignIn.passkeyOptions(ctx, token);
  }

  @Query(() => [Passkey], { description: "The caller's passkeys, oldest first." })
  passkeys(@Ctx() ctx: Context): Promise<Passkey[]> {
    return ctx.services.passkeys.list(ctx);
  }

  @Mutation(() => PasskeyChallenge, {
    description: "WebAuthn options to create a passkey for the caller's account, or (with an enrolment token) for the account whose sign-in waits for a second factor.",
  })
  startPasskeyRegistration(@Arg("enrolmentToken", () => String, ENROLMENT_TOKEN) token: string | undefined, @Ctx() ctx: Context): Promise<PasskeyChallenge> {
    return ctx.services.mfa.startPasskeyRegistration(ctx, token);
  }

  @Mutation(() => TotpConfirmation, {
    description:
      "Registers the passkey created for an MFA_ENROLMENT_REQUIRED sign-in and completes that sign-in. `recoveryCodes` holds ten new codes (shown once) when the account had none left, else it is empty.",
  })
  async finishPasskeyEnrolment(
    @Arg("enrolmentToken", () => String, { description: "The `challengeToken` of the MFA_ENROLMENT_REQUIRED sign-in." }) enrolmentToken: string,
    @Arg("challengeToken", () => String, { description: "From startPasskeyRegistration with the same enrolment token." }) challengeToken: string,
    @Arg("name", () => String, { description: "A name to tell it apart (1-60 characters)." }) name: string,
    @Arg("response", () => String, { description: "The JSON of the browser's answer (@simplewebauthn/browser startRegistration())." }) response: string,
    @Ctx() ctx: Context,
  ): Promise<TotpConfirmation> {
    const done = await ctx.services.mfa.finishPasskeyEnrolment(ctx, enrolmentToken, challengeToken, name, response);
    return { recoveryCodes: done.recoveryCodes, signIn: done.tokens ? payload(ctx, done.tokens) : null };
  }

  @Mutation(() => Passkey, { description: "Registers the passkey the browser created." })
  finishPasskeyRegistration(
    @Arg("challengeToken", () => String, { description: "From startPasskeyRegistration." }) token: string,
    @Arg("name", () => String, { description: "A name to tell it apart (1-60 characters)." }) name: string,
    @Arg("response", () => String, { description: "The JSON of the browser's answer (@simplewebauthn/browser startRegistration())." }) response: string,
    @Ctx() ctx: Context,
  ): Promise<Passkey> {
    return ctx.services.passkeys.finishRegistration(ctx, token, name, response);
  }

  @Mutation(() => Passkey, { description: "Renames one of the caller's passkeys." })
  renamePasskey(
    @Arg("id", () => ID, { description: "The passkey." }) id: string,
    @Arg("name", () => String, { description: "The new name (1-60 characters)." }) name: string,
    @Ctx() ctx: Context,
  ): Promise<Passkey> {
    return ctx.services.passkeys.rename(ctx, id, name);
  }

  @Mutation(() => Boolean, { description: "Removes one of the caller's passkeys; it no longer signs in." })
  removePasskey(@Arg("id", () => ID, { description: "The passkey." }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.passkeys.remove(ctx, id);
  }

  @Query(() => [SecondFactorPolicy], { description: "Whether each role must have a second factor. Admins only." })
  secondFactorPolicies(@Ctx() ctx: Context): Promise<SecondFactorPolicy[]> {
    return ctx.services.mfa.policies(ctx);
  }

  @Mutation(() => SecondFactorPolicy, { description: "Sets whether a role must have a second factor, and its grace period. Admins only; audited." })
  setSecondFactorPolicy(
    @Arg("role", () => Role, { description: "The role." }) role: Role,
    @Arg("required", () => Boolean, { description: "Whether its members must set up a second factor." }) required: boolean,
    @Arg("graceDays", () => Int, { description: "Days each member may still sign in without one (0-365)." }) graceDays: number,
    @Ctx() ctx: Context,
  ): Promise<SecondFactorPolicy> {
    return ctx.services.mfa.setPolicy(ctx, role, required, graceDays);
  }

  @Mutation(() => User, { description: "Removes every second factor of a user (TOTP, recovery codes, passkeys) and emails them. Admins only, not on themselves; audited." })
  resetSecondFactor(@Arg("userId", () => ID, { description: "The user." }) userId: string, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.mfa.reset(ctx, userId);
  }
}
