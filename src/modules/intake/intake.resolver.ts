import type { FilterQuery } from "@mikro-orm/core";
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { paginate } from "../../db/pagination.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import type { Context } from "../../graphql/context.js";
import { Comment } from "../comments/comment.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { InboundMail } from "./inbound-mail.entity.js";
import { InboundMailStatus } from "./inbound-mail.enums.js";
import { commentCameByEmail, ticketCameByEmail } from "./intake.loaders.js";
import { ContentSource, InboundMailConnection, InboundMailFilter } from "./intake.types.js";

@Resolver(() => InboundMail)
export class IntakeResolver {
  @Query(() => InboundMailConnection, {
    description: "Received emails that need an admin, newest first: those that failed (with the reason; retry with `retryInboundMail`) and replies held for an agent. Admins only.",
  })
  inboundMailFailures(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => InboundMailFilter, { nullable: true, description: "Narrows the list." }) filter: InboundMailFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<InboundMail>> {
    const where: FilterQuery<InboundMail> = filter?.status ? { status: filter.status } : { status: { $in: [InboundMailStatus.FAILED, InboundMailStatus.HELD] } };
    return paginate(ctx.em, InboundMail, where, { field: "createdAt", direction: "DESC" }, page);
  }

  @Mutation(() => InboundMail, { description: "Processes a failed email again from its kept copy; answers its new state (PROCESSED, or FAILED with the new reason). Admins only." })
  retryInboundMail(@Arg("id", () => ID, { description: "The failed email (`inboundMailFailures`)." }) id: string, @Ctx() ctx: Context): Promise<InboundMail> {
    return ctx.services.intake.retry(ctx, id);
  }
}

@Resolver(() => Comment)
export class CommentSourceResolver {
  @FieldResolver(() => ContentSource, { description: "How the comment came in: EMAIL for a reply by email." })
  async source(@Root() comment: Comment, @Ctx() ctx: Context): Promise<ContentSource> {
    return (await ctx.loaders.get(commentCameByEmail).load(comment.id)) ? ContentSource.EMAIL : ContentSource.WEB;
  }
}

@Resolver(() => Ticket)
export class TicketSourceResolver {
  @FieldResolver(() => ContentSource, { description: "How the ticket was opened: EMAIL when by email." })
  async source(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<ContentSource> {
    return (await ctx.loaders.get(ticketCameByEmail).load(ticket.id)) ? ContentSource.EMAIL : ContentSource.WEB;
  }
}
