import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { SessionInfo } from "./my-sessions.types.js";

/** User administration: where someone is signed in, and ending one of those sessions. */
@Resolver()
export class UserSessionsResolver {
  @Query(() => [SessionInfo], { description: "A user's live sessions, most recently active first. Admins only." })
  userSessions(@Arg("userId", () => ID, { description: "The user." }) userId: string, @Ctx() ctx: Context): Promise<SessionInfo[]> {
    return ctx.services.mySessions.listOf(ctx, userId);
  }

  @Mutation(() => Boolean, { description: "Signs out one of a user's sessions; its access tokens stop working at once. Audited. Admins only." })
  revokeUserSession(
    @Arg("userId", () => ID, { description: "The session's owner." }) userId: string,
    @Arg("sessionId", () => ID, { description: "The session's id from userSessions." }) sessionId: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.mySessions.revokeOf(ctx, userId, sessionId);
  }
}
