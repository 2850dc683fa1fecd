import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { TicketHistoryEntry } from "./ticket.types.js";

@Resolver(() => TicketHistoryEntry)
export class TicketHistoryResolver {
  @FieldResolver(() => User, { nullable: true, description: "Who did it; null for the system." })
  actor(@Root() entry: TicketHistoryEntry, @Ctx() ctx: Context): User | Promise<User | null> | null {
    return entry.actorId ? ctx.loaders.get(usersById).user(entry.actorId) : null;
  }
}
