import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { connectionType } from "../../graphql/connection.types.js";
import { AuditAction } from "../audit/audit.actions.js";
import { SortDirection } from "../../graphql/sort-direction.js";
import { Ticket } from "./ticket.entity.js";
import { Priority } from "../../graphql/priority.js";
import { TicketStatus } from "./ticket.enums.js";
import { SlaState } from "./ticket.sla.js";
import { SlaSegmentKind } from "./ticket.sla-timeline.js";

export const TicketConnection = connectionType(Ticket, "Ticket", "ticket");

@InputType({ description: "A new ticket." })
export class CreateTicketInput {
  @Field(() => String, { description: "One-line summary (1-200 characters)." })
  subject!: string;

  @Field(() => String, { description: "What is needed, as Markdown (up to 20,000 characters)." })
  description!: string;

  @Field(() => Priority, { nullable: true, description: "How urgent it is; NORMAL when omitted." })
  priority?: Priority;

  @Field(() => String, { nullable: true, description: "Free-form category (up to 50 characters)." })
  category?: string | null;

  @Field(() => ID, { nullable: true, description: "Agents and admins: the customer the ticket is opened for. Customers always open their own." })
  requesterId?: string;

  @Field(() => [ID], { nullable: true, description: "Ids of the caller's own uploads (POST /uploads) to attach, at most 20." })
  attachmentIds?: string[] | null;
}

@InputType({ description: "Changes to a ticket; omitted fields stay as they are." })
export class UpdateTicketInput {
  @Field(() => String, { nullable: true, description: "New one-line summary (1-200 characters)." })
  subject?: string;

  @Field(() => String, { nullable: true, description: "New description, as Markdown (up to 20,000 characters)." })
  description?: string;

  @Field(() => Priority, { nullable: true, description: "New priority (agents and admins only); moves the SLA deadlines." })
  priority?: Priority;

  @Field(() => String, { nullable: true, description: "New category; null or empty clears it." })
  category?: string | null;
}

@InputType({ description: "Narrows tickets by assignee; set exactly one field." })
export class TicketAssigneeFilter {
  @Field(() => ID, { nullable: true, description: "Only tickets assigned to this user." })
  userId?: string;

  @Field(() => Boolean, { nullable: true, description: "true: only unassigned tickets; false: only assigned ones." })
  unassigned?: boolean;

  @Field(() => Boolean, { nullable: true, description: "true: only tickets assigned to the viewer." })
  me?: boolean;
}

@InputType({ description: "Narrows a ticket list; all given conditions must hold." })
export class TicketFilter {
  @Field(() => [TicketStatus], { nullable: true, description: "Only tickets in one of these statuses." })
  status?: TicketStatus[];

  @Field(() => [Priority], { nullable: true, description: "Only tickets with one of these priorities." })
  priority?: Priority[];

  @Field(() => TicketAssigneeFilter, { nullable: true, description: "Only tickets with this assignee (or none)." })
  assignee?: TicketAssigneeFilter;

  @Field(() => ID, { nullable: true, description: "Only tickets opened by (or for) this customer." })
  requesterId?: string;

  @Field(() => ID, { nullable: true, description: "Only tickets linked to an issue of this project (agents and admins)." })
  projectId?: string;

  @Field(() => [String], { nullable: true, description: "Only tickets with any of these tags, case-insensitively (agents and admins; at most 20; an empty list matches nothing)." })
  tags?: string[];

  @Field(() => Date, { nullable: true, description: "Only tickets created at or after this time." })
  createdAfter?: Date;

  @Field(() => Date, { nullable: true, description: "Only tickets created before this time." })
  createdBefore?: Date;

  @Field(() => Date, { nullable: true, description: "Only tickets changed at or after this time." })
  updatedAfter?: Date;

  @Field(() => Boolean, { nullable: true, description: "true: only tickets that missed an SLA target; false: only those on track." })
  slaBreached?: boolean;

  @Field(() => Boolean, {
    nullable: true,
    description: "true: only tickets whose running SLA target is at risk (SLA_AT_RISK_PERCENT used up) but not yet missed; false: all others.",
  })
  slaDueSoon?: boolean;

  @Field(() => String, { nullable: true, description: "Words to find in the subject, the description or the comments you can see (up to 200 characters). \"#1042\" finds ticket 1042 only; a bare \"1042\" finds it and any ticket whose text holds 1042." })
  search?: string;

  @Field(() => [ID], {
    nullable: true,
    description: "Only tickets whose requester is a member of one of these organisations (at most 50). Customers: only organisations they manage, whose members' tickets they see.",
  })
  organisationIds?: string[];
}

export enum TicketOrderField {
  CREATED_AT = "CREATED_AT",
  UPDATED_AT = "UPDATED_AT",
  PRIORITY = "PRIORITY",
  SLA_DUE = "SLA_DUE",
}

registerEnumType(SlaState, {
  name: "SlaState",
  description: "Where a ticket stands against its SLA targets.",
  valuesConfig: {
    ON_TRACK: { description: "The running target is less than SLA_AT_RISK_PERCENT used up." },
    AT_RISK: { description: "Due soon: the running target is at least SLA_AT_RISK_PERCENT used up, not yet missed." },
    BREACHED: { description: "A first-response or resolution target was missed." },
    PAUSED: { description: "The clock stands still while the ticket waits on the customer." },
    MET: { description: "Resolved or closed within every target." },
  },
});

registerEnumType(SlaSegmentKind, {
  name: "SlaSegmentKind",
  description: "Whether the SLA clock counted a stretch of time, and if not, why.",
  valuesConfig: {
    RUNNING: { description: "The clock ran: the desk owed an answer during business hours." },
    PAUSED: { description: "The clock stood still because of the ticket's status (waiting on the customer, resolved, closed)." },
    OUTSIDE_HOURS: { description: "Outside the desk's business hours: not counted." },
    HOLIDAY: { description: "A holiday of the desk's calendar: not counted." },
  },
});

@ObjectType({ description: "A stretch of a ticket's life and whether its SLA clock counted it." })
export class SlaSegment {
  @Field(() => Date, { description: "Start of the stretch." })
  start!: Date;

  @Field(() => Date, { description: "End of the stretch (now, for the last one of an open ticket)." })
  end!: Date;

  @Field(() => SlaSegmentKind, { description: "Whether the clock counted it, and if not, why." })
  kind!: SlaSegmentKind;

  @Field(() => String, { description: "The reason in words, e.g. \"Waiting on the customer\" or \"Outside business hours\"." })
  reason!: string;
}

@ObjectType({ description: "How a ticket's SLA clock has counted: the calendar it runs on and every stretch since creation." })
export class SlaExplanation {
  @Field(() => String, { nullable: true, description: "The business hours the clock counts (SLA_BUSINESS_HOURS with its zone); null: every hour of every day." })
  calendar!: string | null;

  @Field(() => [String], { description: "The calendar's holidays (local dates, YYYY-MM-DD)." })
  holidays!: string[];

  @Field(() => Int, { description: "Business seconds the clock has counted so far (what the targets are measured against)." })
  countedSeconds!: number;

  @Field(() => [SlaSegment], { description: "Every stretch since creation, oldest first (the most recent 500 for very old tickets)." })
  segments!: SlaSegment[];
}

registerEnumType(TicketOrderField, {
  name: "TicketOrderField",
  description: "What a ticket list is sorted by; ties are broken by creation order.",
  valuesConfig: {
    CREATED_AT: { description: "When the ticket was opened." },
    UPDATED_AT: { description: "When the ticket last changed." },
    PRIORITY: { description: "Priority rank: LOW < NORMAL < HIGH < URGENT." },
    SLA_DUE: { description: "The next SLA deadline (`slaDueAt`): ascending puts the most urgent first." },
  },
});

@InputType({ description: "The order of a ticket list." })
export class TicketOrder {
  @Field(() => TicketOrderField, { description: "What to sort by." })
  field!: TicketOrderField;

  @Field(() => SortDirection, { description: "Ascending or descending." })
  direction!: SortDirection;
}

@ObjectType({ description: "One entry of a ticket's timeline, drawn from the audit trail." })
export class TicketHistoryEntry {
  @Field(() => ID, { description: "Id of the underlying audit event." })
  id!: string;

  @Field(() => AuditAction, { description: "What happened." })
  action!: AuditAction;

  /** Resolved through the users loader. */
  actorId!: string | null;

  @Field(() => String, { nullable: true, description: "The value before the change, for status changes and assignments (a status or a user id)." })
  from!: string | null;

  @Field(() => String, { nullable: true, description: "The value after the change, for status changes and assignments (a status or a user id)." })
  to!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "Everything recorded about the change, e.g. which fields an edit touched." })
  details!: Record<string, unknown> | null;

  @Field(() => Date, { description: "When it happened." })
  at!: Date;
}
