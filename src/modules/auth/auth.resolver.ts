import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { AuthPayload, LoginInput, RegisterInput } from "./auth.types.js";
import type { IssuedTokens } from "./session.service.js";

/** Browser clients keep the refresh token in an HttpOnly cookie instead of the response body. */
export function payload(ctx: Context, tokens: IssuedTokens): AuthPayload {
  ctx.signedInUserId = tokens.user.id;
  const inCookie = ctx.http?.useRefreshCookie(tokens.refreshToken, tokens.session.expiresAt) ?? false;
  return { accessToken: tokens.accessToken, refreshToken: inCookie ? null : tokens.refreshToken, expiresIn: tokens.expiresIn, user: tokens.user };
}

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, { description: "Creates a customer account and signs it in. Limited to 3 per minute per IP." })
  async register(@Arg("input", () => RegisterInput) input: RegisterInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return payload(ctx, await ctx.services.auth.register(ctx, input));
  }

  @Mutation(() => AuthPayload, {
    description: "Signs in with email and password. Five consecutive failures lock the account for 30 minutes (ACCOUNT_LOCKED). Limited to 5 attempts per minute per IP.",
  })
  async login(@Arg("input", () => LoginInput) input: LoginInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return payload(ctx, await ctx.services.auth.login(ctx, input));
  }

  @Mutation(() => AuthPayload, {
    description: "Exchanges a refresh token for new tokens. Each refresh token works once; presenting a used one ends the whole session.",
  })
  async refreshToken(@Arg("refreshToken", () => String, { description: "The refresh token from the last sign-in or refresh." }) token: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    return payload(ctx, await ctx.services.sessions.refresh(ctx, token));
  }

  @Mutation(() => Boolean, { description: "Ends a session: the one of the given refresh token, else the caller's current one. Its access tokens stop working at once." })
  async logout(
    @Arg("refreshToken", () => String, { nullable: true, description: "Refresh token of the session to end; defaults to the caller's session." }) token: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    const presented = token ?? ctx.http?.refreshCookie() ?? undefined;
    await ctx.services.auth.logout(ctx, presented);
    ctx.http?.clearRefreshCookie();
    return true;
  }

  @Mutation(() => Boolean, { description: "Changes the caller's password and ends all their other sessions." })
  async changePassword(
    @Arg("currentPassword", () => String, { description: "The password in use now." }) currentPassword: string,
    @Arg("newPassword", () => String, { description: "The new password; the password policy applies." }) newPassword: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    await ctx.services.auth.changePassword(ctx, currentPassword, newPassword);
    return true;
  }
}
