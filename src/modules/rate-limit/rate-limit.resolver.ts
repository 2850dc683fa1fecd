import { Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { RateLimit } from "./rate-limit.types.js";

@Resolver()
export class RateLimitResolver {
  @Query(() => RateLimit, { description: "The caller's query budget after this request, to plan large exports." })
  async rateLimit(@Ctx() ctx: Context): Promise<RateLimit> {
    return ctx.rateLimit ?? (await ctx.services.queryBudget.peek(ctx.viewer, ctx.request.ip));
  }
}
