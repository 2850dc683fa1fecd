import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { ApiToken } from "./api-token.entity.js";
import { CreateApiTokenInput, CreatedApiToken } from "./api-token.types.js";

@Resolver(() => ApiToken)
export class ApiTokenResolver {
  @Query(() => [ApiToken], { description: "The caller's personal API tokens that are not revoked, newest first." })
  apiTokens(@Ctx() ctx: Context): Promise<ApiToken[]> {
    return ctx.services.apiTokens.list(ctx);
  }

  @Mutation(() => CreatedApiToken, {
    description: "Creates a personal API token for `Authorization: Bearer`. The secret is in this response only. Needs a signed-in session (a token cannot create tokens).",
  })
  createApiToken(@Arg("input", () => CreateApiTokenInput, { description: "Name, scopes and expiry." }) input: CreateApiTokenInput, @Ctx() ctx: Context): Promise<CreatedApiToken> {
    return ctx.services.apiTokens.create(ctx, input);
  }

  @Mutation(() => ApiToken, { description: "Revokes one of the caller's API tokens; it stops working at once." })
  revokeApiToken(@Arg("id", () => ID, { description: "The token's id." }) id: string, @Ctx() ctx: Context): Promise<ApiToken> {
    return ctx.services.apiTokens.revoke(ctx, id);
  }
}
