import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { MAX_STATS_DAYS } from "./ticket-stats.service.js";
import { TicketStats } from "./ticket-stats.types.js";

@Resolver()
export class TicketStatsResolver {
  @Query(() => TicketStats, { description: "Tickets created and resolved per UTC day over the last days, today included. Agents and admins only." })
  ticketStats(
    @Arg("days", () => Int, { defaultValue: 14, description: `How many days, today included (1-${MAX_STATS_DAYS}).` }) days: number,
    @Ctx() ctx: Context,
  ): Promise<TicketStats> {
    return ctx.services.ticketStats.perDay(ctx, days);
  }
}
