import { Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { SignInProvider } from "./sso.types.js";

@Resolver()
export class SsoResolver {
  @Query(() => [SignInProvider], { description: "The identity providers people may sign in with (OIDC_PROVIDERS), in configured order." })
  signInProviders(@Ctx() ctx: Context): SignInProvider[] {
    return ctx.services.config.sso.providers.map((p) => ({ id: p.id, displayName: p.name }));
  }
}
