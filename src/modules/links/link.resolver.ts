import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { Issue } from "../issues/issue.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { linkedIssuesByTicket, linkedTicketsByIssue } from "./link.loaders.js";
import { TicketIssueLinkPayload } from "./link.types.js";

@Resolver(() => TicketIssueLinkPayload)
export class LinkResolver {
  @Mutation(() => TicketIssueLinkPayload, { description: "Links a ticket to an issue; linking a linked pair changes nothing (`changed: false`). Staff only." })
  linkTicketToIssue(
    @Arg("ticketId", () => ID, { description: "The ticket." }) ticketId: string,
    @Arg("issueId", () => ID, { description: "The issue that tracks the ticket's engineering work." }) issueId: string,
    @Ctx() ctx: Context,
  ): Promise<TicketIssueLinkPayload> {
    return ctx.services.links.link(ctx, ticketId, issueId);
  }

  @Mutation(() => TicketIssueLinkPayload, { description: "Removes a ticket-issue link; unlinking an unlinked pair changes nothing (`changed: false`). Staff only." })
  unlinkTicketFromIssue(
    @Arg("ticketId", () => ID, { description: "The ticket." }) ticketId: string,
    @Arg("issueId", () => ID, { description: "The issue." }) issueId: string,
    @Ctx() ctx: Context,
  ): Promise<TicketIssueLinkPayload> {
    return ctx.services.links.unlink(ctx, ticketId, issueId);
  }
}

/** Ticket.linkedIssues: staff only (customers reach tickets, never issues). */
@Resolver(() => Ticket)
export class TicketLinksResolver {
  @FieldResolver(() => [Issue], { description: "The issues tracking this ticket's engineering work, in linking order. Staff only." })
  linkedIssues(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<Issue[]> {
    return ctx.loaders.get(linkedIssuesByTicket).load(ticket.id);
  }
}

@Resolver(() => Issue)
export class IssueLinksResolver {
  @FieldResolver(() => [Ticket], { description: "The tickets linked to this issue, in linking order." })
  linkedTickets(@Root() issue: Issue, @Ctx() ctx: Context): Promise<Ticket[]> {
    return ctx.loaders.get(linkedTicketsByIssue).load(issue.id);
  }
}
