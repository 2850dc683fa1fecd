import { Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { canCommentOn, canEdit, seesStaffHistory, transitionsFor } from "./ticket.access.js";
import { Ticket } from "./ticket.entity.js";
import { TicketStatus } from "./ticket.enums.js";
import { ticketHistory } from "./ticket.history.js";
import { isBreached, SlaState, slaSecondsLeft, slaState, timeOpen, timeToFirstResponse } from "./ticket.sla.js";
import { SlaExplanation, TicketHistoryEntry } from "./ticket.types.js";
import { slaTimeline } from "./ticket.sla-timeline.js";
import { AuditAction } from "../audit/audit.actions.js";

/** The relations, SLA figures and viewer hints of a ticket; relations go through per-request loaders. */
@Resolver(() => Ticket)
export class TicketFieldsResolver {
  @FieldResolver(() => String, { description: "Human reference shown to customers, e.g. #1042." })
  reference(@Root() ticket: Ticket): string {
    return `#${ticket.number}`;
  }

  @FieldResolver(() => User, { description: "The customer the ticket is for." })
  requester(@Root() ticket: Ticket, @Ctx() ctx: Context): User | Promise<User> {
    return ctx.loaders.get(usersById).user(ticket.requester.id) as User | Promise<User>;
  }

  @FieldResolver(() => User, { nullable: true, description: "The agent working on it; null while unassigned." })
  assignee(@Root() ticket: Ticket, @Ctx() ctx: Context): User | Promise<User | null> | null {
    return ticket.assignee ? ctx.loaders.get(usersById).user(ticket.assignee.id) : null;
  }

  @FieldResolver(() => [TicketHistoryEntry], {
    description: "The ticket's timeline from the audit trail, oldest first: creation, edits, assignments, status changes and (agents and admins) issue links.",
  })
  history(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<TicketHistoryEntry[]> {
    return ctx.loaders.get(ticketHistory(seesStaffHistory(ctx.viewer))).load(ticket.id);
  }

  @FieldResolver(() => Int, { nullable: true, description: "Working seconds (time waiting on the customer excluded) until the first public agent response; null before it." })
  timeToFirstResponse(@Root() ticket: Ticket): number | null {
    return timeToFirstResponse(ticket);
  }

  @FieldResolver(() => Int, { description: "Working seconds from creation until resolved or closed, or until now. Time waiting on the customer, and between a resolution and a reopening, is excluded." })
  timeOpen(@Root() ticket: Ticket, @Ctx() ctx: Context): number {
    return timeOpen(ticket, ctx.clock.now(), ctx.services.tickets.sla.hours);
  }

  @FieldResolver(() => Boolean, { description: "Whether the first-response or the resolution target of the ticket's priority was missed." })
  slaBreached(@Root() ticket: Ticket, @Ctx() ctx: Context): boolean {
    return isBreached(ticket, ctx.clock.now());
  }

  @FieldResolver(() => SlaState, { description: "Where the ticket stands against its SLA: on track, at risk (due soon), breached, paused, or met." })
  slaState(@Root() ticket: Ticket, @Ctx() ctx: Context): SlaState {
    return slaState(ticket, ticket.status, ctx.clock.now());
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: "Seconds until `slaDueAt`, negative once it passed; it stands still while the clock is paused; null once resolved or closed.",
  })
  slaSecondsLeft(@Root() ticket: Ticket, @Ctx() ctx: Context): number | null {
    return slaSecondsLeft(ticket, ticket.status, ctx.clock.now());
  }

  @FieldResolver(() => SlaExplanation, {
    description: "How the SLA clock has counted: the business hours it runs on, and every stretch since creation in which it ran, stood still (and why) or did not count (outside hours, holidays).",
  })
  async slaExplanation(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<SlaExplanation> {
    const history = await ctx.loaders.get(ticketHistory(seesStaffHistory(ctx.viewer))).load(ticket.id);
    const changes = history.filter((h) => h.action === AuditAction.TICKET_TRANSITIONED && h.to).map((h) => ({ at: h.at, to: h.to as TicketStatus }));
    const hours = ctx.services.tickets.sla.hours;
    const now = ctx.clock.now();
    return {
      calendar: hours?.calendar.name ?? null,
      holidays: hours ? [...hours.calendar.holidays].sort() : [],
      countedSeconds: timeOpen(ticket, now, hours),
      segments: slaTimeline(ticket.createdAt, changes, now, hours),
    };
  }

  @FieldResolver(() => Boolean, { description: "Whether the viewer may change the ticket with `updateTicket` now." })
  viewerCanEdit(@Root() ticket: Ticket, @Ctx() ctx: Context): boolean {
    return ctx.viewer ? canEdit(ticket, ctx.viewer) : false;
  }

  @FieldResolver(() => Boolean, { description: "Whether the viewer may comment on the ticket now." })
  async viewerCanComment(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.viewer ? canCommentOn(ticket, ctx.viewer, ctx) : false;
  }

  @FieldResolver(() => [TicketStatus], { description: "The statuses the viewer may move the ticket to now, by the same rules `transitionTicket` applies." })
  allowedTransitions(@Root() ticket: Ticket, @Ctx() ctx: Context): readonly TicketStatus[] {
    return ctx.viewer ? transitionsFor(ticket, ctx.viewer) : [];
  }
}
