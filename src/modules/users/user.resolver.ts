import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { User } from "./user.entity.js";
import { usersById } from "./user.loaders.js";
import { Role } from "./user.role.js";
import { UserConnection, UserFilter } from "./user.types.js";

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: "The signed-in user; null without a valid access token." })
  async me(@Ctx() ctx: Context): Promise<User | null> {
    return ctx.viewer ? ctx.loaders.get(usersById).load(ctx.viewer.userId) : null;
  }

  @Query(() => UserConnection, { description: "Every account, newest first. Admins only." })
  users(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => UserFilter, { nullable: true, description: "Narrows the list." }) filter: UserFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<User>> {
    return ctx.services.users.list(ctx, filter, page);
  }

  @Query(() => User, { nullable: true, description: "One account by id. Admins only." })
  user(@Arg("id", () => ID, { description: "The user's id." }) id: string, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.get(usersById).load(id);
  }

  @Mutation(() => User, { description: "Changes a user's role; takes effect on their next request. Admins only, not on themselves." })
  setUserRole(
    @Arg("userId", () => ID, { description: "The user to change." }) userId: string,
    @Arg("role", () => Role, { description: "The new role." }) role: Role,
    @Ctx() ctx: Context,
  ): Promise<User> {
    return ctx.services.users.setRole(ctx, userId, role);
  }

  @Mutation(() => User, { description: "Lifts a lockout after failed sign-ins. Admins only." })
  unlockUser(@Arg("userId", () => ID, { description: "The locked user." }) userId: string, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.users.unlock(ctx, userId);
  }

  @Mutation(() => User, { description: "Deactivates an account and ends all its sessions. Admins only, not on themselves." })
  deactivateUser(@Arg("userId", () => ID, { description: "The user to deactivate." }) userId: string, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.users.deactivate(ctx, userId);
  }

  @Mutation(() => User, { description: "Lets a deactivated account sign in again and emails its owner; its old sessions stay ended. Admins only." })
  reactivateUser(@Arg("userId", () => ID, { description: "The deactivated user." }) userId: string, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.users.reactivate(ctx, userId);
  }

  @FieldResolver(() => Boolean, { description: "Whether sign-in is refused right now because of failed attempts. Visible to the user and admins only (an admin's API token needs the admin scope)." })
  locked(@Root() user: User, @Ctx() ctx: Context): boolean {
    return user.isLocked(ctx.clock.now());
  }
}
