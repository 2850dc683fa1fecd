import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { isStaff } from "../../core/identity.js";
import type { Context } from "../../graphql/context.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";
import { CC_MAX, TicketCc } from "./ticket-cc.entity.js";
import { ccsByTicket, watchersByTicket } from "./watcher.loaders.js";
import { MENTIONABLE_MAX } from "./watcher.service.js";

@Resolver()
export class WatcherResolver {
  @Mutation(() => Ticket, {
    description: "Starts watching a ticket: public replies and status changes (and, for agents and admins, internal notes) are emailed. `userId` (agents and admins only) adds another agent. Watching twice changes nothing.",
  })
  watchTicket(
    @Arg("ticketId", () => ID, { description: "The ticket." }) ticketId: string,
    @Arg("userId", () => ID, { nullable: true, description: "The agent or admin to add; omitted: the caller." }) userId: string | null,
    @Ctx() ctx: Context,
  ): Promise<Ticket> {
    return ctx.services.watchers.watch(ctx, ticketId, userId);
  }

  @Mutation(() => Ticket, { description: "Stops watching a ticket. `userId` (agents and admins only) removes someone else. Un-watching a ticket one does not watch changes nothing." })
  unwatchTicket(
    @Arg("ticketId", () => ID, { description: "The ticket." }) ticketId: string,
    @Arg("userId", () => ID, { nullable: true, description: "The watcher to remove; omitted: the caller." }) userId: string | null,
    @Ctx() ctx: Context,
  ): Promise<Ticket> {
    return ctx.services.watchers.unwatch(ctx, ticketId, userId);
  }

  @Mutation(() => Ticket, { description: `Copies an email address on the ticket's public replies (never internal notes); at most ${CC_MAX} per ticket. Agents, admins and the requester; adding a copied address again changes nothing.` })
  addTicketCc(
    @Arg("ticketId", () => ID, { description: "The ticket." }) ticketId: string,
    @Arg("email", () => String, { description: "The address to copy." }) email: string,
    @Ctx() ctx: Context,
  ): Promise<Ticket> {
    return ctx.services.watchers.addCc(ctx, ticketId, email);
  }

  @Mutation(() => Ticket, { description: "Stops copying an email address on the ticket. Agents, admins and the requester; removing an address not on the list changes nothing." })
  removeTicketCc(
    @Arg("ticketId", () => ID, { description: "The ticket." }) ticketId: string,
    @Arg("email", () => String, { description: "The address to remove." }) email: string,
    @Ctx() ctx: Context,
  ): Promise<Ticket> {
    return ctx.services.watchers.removeCc(ctx, ticketId, email);
  }

  @Query(() => [User], { description: "Active agents and admins whose name contains or whose email starts with `search`, by name: whom a note can @mention or a ticket add as a watcher. Agents and admins only." })
  mentionableAgents(
    @Arg("search", () => String, { nullable: true, description: "Part of the name or the start of the email; omitted: everyone." }) search: string | null,
    @Arg("first", () => Int, { defaultValue: 8, description: `How many (1-${MENTIONABLE_MAX}).` }) first: number,
    @Ctx() ctx: Context,
  ): Promise<User[]> {
    return ctx.services.watchers.mentionable(ctx, search, first);
  }
}

/** A ticket's watchers and CC list. */
@Resolver(() => Ticket)
export class TicketWatchersResolver {
  @FieldResolver(() => [User], { description: "Who watches the ticket, in the order they started. Agents and admins see everyone; a customer sees only themselves." })
  async watchers(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<User[]> {
    const all = await ctx.loaders.get(watchersByTicket).load(ticket.id);
    return isStaff(ctx.viewer?.role) ? all : all.filter((u) => u.id === ctx.viewer?.userId);
  }

  @FieldResolver(() => Boolean, { description: "Whether the caller watches the ticket." })
  async viewerIsWatching(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<boolean> {
    const all = await ctx.loaders.get(watchersByTicket).load(ticket.id);
    return all.some((u) => u.id === ctx.viewer?.userId);
  }

  @FieldResolver(() => [TicketCc], { description: "The email addresses copied on the ticket's public replies, alphabetically." })
  ccs(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<TicketCc[]> {
    return ctx.loaders.get(ccsByTicket).load(ticket.id);
  }
}
