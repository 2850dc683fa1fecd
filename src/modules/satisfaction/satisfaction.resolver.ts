import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { canRate } from "./satisfaction.access.js";
import { satisfactionByTicket } from "./satisfaction.loaders.js";
import { MAX_STATS_DAYS, SatisfactionGroupBy } from "./satisfaction.service.js";
import { SatisfactionStats } from "./satisfaction.types.js";
import { RATING_CHANGE_DAYS, RATING_COMMENT_MAX, TicketSatisfaction } from "./ticket-satisfaction.entity.js";

@Resolver(() => TicketSatisfaction)
export class SatisfactionResolver {
  @Mutation(() => TicketSatisfaction, {
    description: `Rates a resolved ticket (RESOLVED, or CLOSED after a resolution) 1-5 with an optional comment. The requester only, once per ticket; they may change it for ${RATING_CHANGE_DAYS} days, after which it is final (CONFLICT).`,
  })
  rateTicket(
    @Arg("ticketId", () => ID, { description: "The ticket." }) ticketId: string,
    @Arg("score", () => Int, { description: "1 (very unsatisfied) to 5 (very satisfied)." }) score: number,
    @Arg("comment", () => String, { nullable: true, description: `What went well or not, as plain text (up to ${RATING_COMMENT_MAX} characters).` }) comment: string | null,
    @Ctx() ctx: Context,
  ): Promise<TicketSatisfaction> {
    return ctx.services.satisfaction.rate(ctx, ticketId, score, comment);
  }

  @Query(() => SatisfactionStats, { description: `Customer satisfaction over a period (at most ${MAX_STATS_DAYS} days), with a breakdown by agent or by week. Agents and admins only.` })
  satisfactionStats(
    @Arg("from", () => Date, { description: "Start of the period (inclusive)." }) from: Date,
    @Arg("to", () => Date, { description: "End of the period (exclusive)." }) to: Date,
    @Arg("groupBy", () => SatisfactionGroupBy, { defaultValue: SatisfactionGroupBy.WEEK, description: "The breakdown: by agent or by week." }) groupBy: SatisfactionGroupBy,
    @Ctx() ctx: Context,
  ): Promise<SatisfactionStats> {
    return ctx.services.satisfaction.stats(ctx, from, to, groupBy);
  }

  @FieldResolver(() => User, { nullable: true, description: "The agent the ticket was assigned to when first rated; null if unassigned." })
  agent(@Root() rating: TicketSatisfaction, @Ctx() ctx: Context): User | Promise<User | null> | null {
    return rating.agent ? ctx.loaders.get(usersById).user(rating.agent.id) : null;
  }
}

@Resolver(() => Ticket)
export class TicketSatisfactionResolver {
  @FieldResolver(() => TicketSatisfaction, { nullable: true, description: "The requester's rating; null until rated. Visible to agents, admins and the requester." })
  satisfaction(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<TicketSatisfaction | null> {
    return ctx.loaders.get(satisfactionByTicket).load(ticket.id);
  }

  @FieldResolver(() => Boolean, { description: "Whether the caller may rate the ticket now (or change their rating): the requester, once it is resolved, within the change window." })
  async viewerCanRate(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<boolean> {
    if (!ctx.viewer) return false;
    const rating = await ctx.loaders.get(satisfactionByTicket).load(ticket.id);
    return canRate(ticket, rating, ctx.viewer, ctx.clock.now());
  }
}
