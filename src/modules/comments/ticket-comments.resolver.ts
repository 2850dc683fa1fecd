import { Arg, Args, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { BadUserInputError } from "../../core/errors.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { commentVisibilityFor } from "./comment.access.js";
import { Comment } from "./comment.entity.js";
import { commentCountBySubject, commentWindowBySubject } from "./comment.loaders.js";
import { commentPage } from "./comment-page.js";
import { CommentConnection } from "./comment.types.js";

const LATEST_MAX = 20;

/** A ticket's conversation. Customers never receive internal notes, whichever field they use. */
@Resolver(() => Ticket)
export class TicketCommentsResolver {
  @FieldResolver(() => CommentConnection, { description: "The ticket's comments, oldest first (internal notes only for agents and admins)." })
  comments(@Root() ticket: Ticket, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Connection<Comment>> {
    return commentPage(ctx.em, ctx.loaders, ticket.id, commentVisibilityFor(ctx.viewer), page);
  }

  @FieldResolver(() => [Comment], {
    description: `The latest comments, oldest of them first, for queues and previews (internal notes only for agents and admins).`,
  })
  async latestComments(
    @Root() ticket: Ticket,
    @Arg("last", () => Int, { defaultValue: 3, description: `How many (1-${LATEST_MAX}).` }) last: number,
    @Ctx() ctx: Context,
  ): Promise<Comment[]> {
    if (!Number.isInteger(last) || last < 1 || last > LATEST_MAX) throw new BadUserInputError(`"last" must be between 1 and ${LATEST_MAX}.`, "last");
    const latest = await ctx.loaders.get(commentWindowBySubject(commentVisibilityFor(ctx.viewer), "DESC", last)).load(ticket.id);
    return [...latest].reverse();
  }

  @FieldResolver(() => Int, { description: "How many comments the viewer can read on the ticket." })
  commentCount(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.get(commentCountBySubject(commentVisibilityFor(ctx.viewer))).load(ticket.id);
  }
}
