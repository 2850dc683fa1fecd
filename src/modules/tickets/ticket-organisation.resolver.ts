import DataLoader from "dataloader";
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { Organisation } from "../organisations/organisation.entity.js";
import { organisationsById, primaryOrganisationIds } from "../organisations/organisation.loaders.js";
import { Ticket } from "./ticket.entity.js";
import type { OrganisationTicketCounts as Counts } from "./ticket-organisation.service.js";
import { OrganisationTicketCounts } from "./ticket-organisation.types.js";

/** A ticket's organisation, an organisation's ticket counts, and the report by organisation. */
@Resolver(() => Ticket)
export class TicketOrganisationResolver {
  @FieldResolver(() => Organisation, { nullable: true, description: "The requester's primary organisation (the one they joined first); null when they belong to none." })
  async organisation(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<Organisation | null> {
    const id = await ctx.loaders.get(primaryOrganisationIds).load(ticket.requester.id);
    return id ? ctx.loaders.get(organisationsById).load(id) : null;
  }

  @Query(() => [OrganisationTicketCounts], { description: "Ticket counts by organisation: the given ones, or every organisation (up to 500) by name. Agents and admins." })
  organisationStats(
    @Arg("organisationIds", () => [ID], { nullable: true, description: "The organisations to count (at most 500); all when omitted." }) organisationIds: string[] | undefined,
    @Ctx() ctx: Context,
  ): Promise<Counts[]> {
    return ctx.services.organisationStats.report(ctx, organisationIds);
  }
}

@Resolver(() => Organisation)
export class OrganisationTicketsResolver {
  @FieldResolver(() => OrganisationTicketCounts, { description: "Its members' tickets by state (agents and admins only)." })
  ticketCounts(@Root() organisation: Organisation, @Ctx() ctx: Context): Promise<Counts> {
    let loader = countLoaders.get(ctx.loaders);
    if (!loader) countLoaders.set(ctx.loaders, (loader = new DataLoader<string, Counts>((ids) => ctx.services.organisationStats.counts(ctx, ids))));
    return loader.load(organisation.id);
  }
}

// One loader per request (its Loaders): the counts of every organisation on a page in one pass, on the request's clock.
const countLoaders = new WeakMap<object, DataLoader<string, Counts>>();
