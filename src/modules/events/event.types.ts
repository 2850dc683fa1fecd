import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Float, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import type { EventVisibility as Visibility } from "../../core/events/catalog.js";
import { connectionType } from "../../graphql/connection.types.js";

export enum EventVisibility {
  PUBLIC = "PUBLIC",
  STAFF = "STAFF",
  ADMIN = "ADMIN",
}

registerEnumType(EventVisibility, {
  name: "EventVisibility",
  description: "Who may learn of an event.",
  valuesConfig: {
    PUBLIC: { description: "Whoever may see its subject: a customer sees the public events of their own tickets." },
    STAFF: { description: "Agents and admins (internal notes, projects, issues, links)." },
    ADMIN: { description: "Admins (accounts, sessions, tokens, signing keys, security)." },
  },
});

@ObjectType({ description: "The object an event is about." })
export class EventTarget {
  @Field(() => String, { description: "Its kind: Ticket, Comment, Issue, Project, User, Session, ApiToken, ..." })
  type!: string;

  @Field(() => ID, { description: "Its id." })
  id!: string;
}

/** A durable domain event as the feed shows it; `actor` is resolved through the users loader. */
@ObjectType("Event", { description: "One change in DeskQL's ordered, replayable stream of events." })
export class FeedEvent {
  @Field(() => ID, { description: "The event's id (a UUIDv7): the same in the feed, in webhooks (`webhook-id`) and in subscriptions." })
  id!: string;

  @Field(() => String, { description: "What happened, e.g. ticket.created, comment.added, issue.transitioned." })
  type!: string;

  @Field(() => Date, { description: "When it happened." })
  occurredAt!: Date;

  actorId!: string | null;

  @Field(() => EventTarget, { description: "The object it is about." })
  target!: EventTarget;

  @Field(() => GraphQLJSONObject, { description: "The changed fields and other facts of the event, by type (e.g. {from, to} of a transition)." })
  payload!: Record<string, unknown>;

  @Field(() => EventVisibility, { description: "Who may learn of it." })
  visibility!: Visibility;

  @Field(() => Float, { description: "Its place in the stream (a whole number): gap-free, ascending in commit order." })
  position!: number;
}

export const EventConnection = connectionType(FeedEvent, "Event", "event");

@InputType({ description: "Narrows the event feed." })
export class EventFilter {
  @Field(() => [String], { nullable: true, description: "Only events of these types (e.g. [\"ticket.created\", \"comment.added\"])." })
  types?: string[];

  @Field(() => ID, { nullable: true, description: "Only events about this ticket (its comments and links included)." })
  ticketId?: string;

  @Field(() => ID, { nullable: true, description: "Only events about this issue (its comments and links included)." })
  issueId?: string;

  @Field(() => ID, { nullable: true, description: "Only events about this project or its issues." })
  projectId?: string;
}
