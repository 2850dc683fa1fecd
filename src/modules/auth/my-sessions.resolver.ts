import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { SessionInfo } from "./my-sessions.types.js";

@Resolver()
export class MySessionsResolver {
  @Query(() => [SessionInfo], { description: "Where the caller is signed in: their live sessions, most recently active first, the current one marked." })
  mySessions(@Ctx() ctx: Context): Promise<SessionInfo[]> {
    return ctx.services.mySessions.list(ctx);
  }

  @Mutation(() => Boolean, { description: "Signs out one of the caller's sessions (it may be the current one); its access tokens stop working at once." })
  revokeSession(@Arg("id", () => ID, { description: "The session's id from mySessions." }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.mySessions.revoke(ctx, id);
  }

  @Mutation(() => Int, { description: "Signs out every session of the caller except the current one; returns how many were ended." })
  revokeOtherSessions(@Ctx() ctx: Context): Promise<number> {
    return ctx.services.mySessions.revokeOthers(ctx);
  }
}
