import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { EventConnection, EventFilter, FeedEvent } from "./event.types.js";

@Resolver(() => FeedEvent)
export class EventResolver {
  @Query(() => EventConnection, {
    description:
      "The ordered, replayable stream of changes you may see, oldest first (commit order). Keep the last `endCursor` and pass it as `after` to resume without losing an event; a cursor older than the retention answers CURSOR_EXPIRED.",
  })
  events(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => EventFilter, { nullable: true, description: "Narrows the stream." }) filter: EventFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<FeedEvent>> {
    return ctx.services.eventFeed.list(ctx, filter, page) as unknown as Promise<Connection<FeedEvent>>;
  }

  @FieldResolver(() => User, { nullable: true, description: "Who did it; null for the system or an anonymous caller." })
  actor(@Root() event: FeedEvent, @Ctx() ctx: Context): User | Promise<User | null> | null {
    return event.actorId ? ctx.loaders.get(usersById).user(event.actorId) : null;
  }
}
