import { Arg, Args, Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { User } from "./user.entity.js";
import { Role } from "./user.role.js";
import { UserConnection } from "./user.types.js";

/** Agents open tickets for customers (createTicket's requesterId): this is how they find them. */
@Resolver(() => User)
export class CustomerDirectoryResolver {
  @Query(() => UserConnection, { description: "Agents and admins: active customers, newest first, to open a ticket on their behalf." })
  customers(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("search", () => String, { nullable: true, description: "Matches the start of the email or any part of the name (case-insensitive, up to 100 characters)." }) search: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<User>> {
    return ctx.services.users.list(ctx, { role: Role.CUSTOMER, deactivated: false, search }, page);
  }
}
