import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Ctx, ID, Info, Int, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { selectsField } from "../../graphql/selection.js";
import { Ticket } from "./ticket.entity.js";
import { TicketStatus } from "./ticket.enums.js";
import { CreateTicketInput, TicketConnection, TicketFilter, TicketOrder, UpdateTicketInput } from "./ticket.types.js";

const expectedVersionArg = { nullable: true, description: "The version you last saw; when given, a newer version answers CONFLICT instead of overwriting it." };

/** Ticket queries and mutations; the fields of a ticket are in ticket-fields.resolver.ts. */
@Resolver(() => Ticket)
export class TicketResolver {
  @Query(() => Ticket, { description: "One ticket by id or reference (#1042). Customers only reach their own; any other answers NOT_FOUND." })
  ticket(@Arg("id", () => ID, { description: "The ticket's id, or its reference such as #1042." }) id: string, @Ctx() ctx: Context): Promise<Ticket> {
    return ctx.services.tickets.get(ctx, id, { snapshot: true });
  }

  @Query(() => TicketConnection, { description: "Tickets the viewer may see (customers: their own), newest first unless `orderBy` says otherwise." })
  tickets(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => TicketFilter, { nullable: true, description: "Narrows the list." }) filter: TicketFilter | undefined,
    @Arg("orderBy", () => TicketOrder, { nullable: true, description: "Sort order; default CREATED_AT descending." }) orderBy: TicketOrder | undefined,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Ticket>> {
    return ctx.services.tickets.list(ctx, filter, orderBy, { ...page, withTotal: selectsField(info, "totalCount") });
  }

  @Mutation(() => Ticket, { description: "Opens a ticket (OPEN) with the desk's next number. Customers open their own; agents and admins may open one for a customer." })
  createTicket(@Arg("input", () => CreateTicketInput, { description: "The new ticket." }) input: CreateTicketInput, @Ctx() ctx: Context): Promise<Ticket> {
    return ctx.services.tickets.create(ctx, input);
  }

  @Mutation(() => Ticket, {
    description: "Changes a ticket's subject, description, category or (agents and admins) priority; see `viewerCanEdit`. Closed tickets take no edits.",
  })
  updateTicket(
    @Arg("id", () => ID, { description: "The ticket to change." }) id: string,
    @Arg("input", () => UpdateTicketInput, { description: "The changes." }) input: UpdateTicketInput,
    @Arg("expectedVersion", () => Int, expectedVersionArg) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<Ticket> {
    return ctx.services.tickets.update(ctx, id, input, expectedVersion);
  }

  @Mutation(() => Ticket, { description: "Assigns a ticket to an active agent or admin, or to nobody. Agents and admins only." })
  assignTicket(
    @Arg("id", () => ID, { description: "The ticket to assign." }) id: string,
    @Arg("assigneeId", () => ID, { nullable: true, description: "The new assignee; null for nobody." }) assigneeId: string | null | undefined,
    @Arg("expectedVersion", () => Int, expectedVersionArg) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<Ticket> {
    return ctx.services.tickets.assign(ctx, id, assigneeId ?? null, expectedVersion);
  }

  @Mutation(() => Ticket, {
    description:
      "Moves a ticket to another status (see `allowedTransitions`). A move that is not allowed answers INVALID_TRANSITION and changes nothing. Requesters may withdraw (close) their own ticket until it is closed, and reopen or close it once resolved.",
  })
  transitionTicket(
    @Arg("id", () => ID, { description: "The ticket to move." }) id: string,
    @Arg("to", () => TicketStatus, { description: "The new status." }) to: TicketStatus,
    @Arg("expectedVersion", () => Int, expectedVersionArg) expectedVersion: number | undefined,
    @Arg("reason", () => String, { nullable: true, description: "Why, in one line (up to 500 characters), kept in the ticket's timeline: e.g. why a customer withdraws it." })
    reason: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<Ticket> {
    return ctx.services.tickets.transition(ctx, id, to, expectedVersion, reason);
  }
}
