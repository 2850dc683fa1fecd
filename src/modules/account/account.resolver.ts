import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { payload } from "../auth/auth.resolver.js";
import { AuthPayload } from "../auth/auth.types.js";

const TOKEN_ARG = { description: "The token from the emailed link (the last part of the link)." };

@Resolver()
export class AccountResolver {
  @Mutation(() => Boolean, { description: "Confirms the email address with the token from the verification email (valid 24 hours, once)." })
  verifyEmail(@Arg("token", () => String, TOKEN_ARG) token: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.emailVerification.verify(ctx, token);
  }

  @Mutation(() => Boolean, {
    description:
      "Sends a new verification email: to the signed-in caller, or to `email` for an account that cannot sign in until verified. Always true for an address (whether or not it has an account). Limited per address and per IP.",
  })
  resendVerification(
    @Arg("email", () => String, { nullable: true, description: "The account's address, when not signed in." }) email: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.emailVerification.resend(ctx, email ?? undefined);
  }

  @Mutation(() => Boolean, {
    description:
      "Emails a password reset link (valid 1 hour, once) if the address has an account. Always answers true, so it does not reveal who has an account. Limited per address and per IP.",
  })
  requestPasswordReset(@Arg("email", () => String, { description: "The account's sign-in email." }) email: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.passwordReset.request(ctx, email);
  }

  @Mutation(() => Boolean, {
    description: "Sets a new password with the token from the reset email. Lifts a sign-in lockout caused by wrong passwords (not one caused by wrong second-factor codes, which the mailbox does not prove) and ends every session of the account.",
  })
  resetPassword(
    @Arg("token", () => String, TOKEN_ARG) token: string,
    @Arg("newPassword", () => String, { description: "The new password; the password policy applies." }) newPassword: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.passwordReset.reset(ctx, token, newPassword);
  }

  @Mutation(() => Boolean, {
    description:
      "Emails a sign-in link (valid 10 minutes, once) if the address has an account. Always answers true. FORBIDDEN when sign-in links are switched off (MAGIC_LINK_ENABLED).",
  })
  requestSignInLink(@Arg("email", () => String, { description: "The account's sign-in email." }) email: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.signInLinks.request(ctx, email);
  }

  @Mutation(() => AuthPayload, {
    description: "Signs in with the token from a sign-in link email. Works while the password is locked out; verifies the email address.",
  })
  async signInWithLink(@Arg("token", () => String, TOKEN_ARG) token: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    return payload(ctx, await ctx.services.signInLinks.signIn(ctx, token));
  }
}
