import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { canSeeTicket } from "../tickets/ticket.access.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { ticketsById } from "../tickets/ticket.loaders.js";
import { MergeTicketsInput, MergeTicketsResult } from "./merge.types.js";

@Resolver(() => MergeTicketsResult)
export class MergeResolver {
  @Mutation(() => MergeTicketsResult, {
    description:
      "Merges a duplicate ticket into another: comments (authors and times kept, marked `mergedFromNumber`), attachments and issue links move to the target; the duplicate is closed pointing at it (`mergedInto`); both requesters are told by mail. Refused with a `reason`: SAME_TICKET, SOURCE_CLOSED, TARGET_CLOSED, DIFFERENT_REQUESTERS (confirm with `acrossCustomers`). Agents and admins.",
  })
  mergeTickets(@Arg("input", () => MergeTicketsInput, { description: "The duplicate, the target and the versions seen." }) input: MergeTicketsInput, @Ctx() ctx: Context): Promise<MergeTicketsResult> {
    return ctx.services.merge.merge(ctx, input);
  }
}

/** Ticket.mergedInto, batched through the tickets loader. */
@Resolver(() => Ticket)
export class TicketMergedIntoResolver {
  @FieldResolver(() => Ticket, { nullable: true, description: "The ticket this duplicate was merged into; null when it was not merged (or the viewer may not see that ticket)." })
  async mergedInto(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<Ticket | null> {
    const id = ticket.mergedInto?.id;
    if (!id || !ctx.viewer) return null;
    const target = await ctx.loaders.get(ticketsById).load(id);
    return target && (await canSeeTicket(target, ctx.viewer, ctx)) ? target : null;
  }
}
