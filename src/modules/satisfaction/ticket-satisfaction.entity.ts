import { Entity, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";

export const SCORE_MIN = 1;
export const SCORE_MAX = 5;
export const RATING_COMMENT_MAX = 2000;
/** The requester may change their rating this many days after first giving it; then it is final. */
export const RATING_CHANGE_DAYS = 7;

/**
 * The requester's rating of how their resolved ticket was handled: one per ticket (unique), with
 * the agent the ticket was assigned to when first rated, so reports by agent stay stable when the
 * ticket is reassigned later. `createdAt` is the first rating, `ratedAt` the latest change.
 */
@ObjectType({ description: "The requester's satisfaction rating of a resolved ticket." })
@Entity({ tableName: "ticket_satisfactions" })
@Unique({ name: "ticket_satisfactions_ticket_unique", properties: ["ticket"] })
@Index({ name: "ticket_satisfactions_rated_index", properties: ["ratedAt"] })
@Index({ name: "ticket_satisfactions_agent_index", properties: ["agent", "ratedAt"] })
export class TicketSatisfaction extends BaseEntity<"comment" | "agent" | "version" | "changeableUntil"> {
  @ManyToOne(() => Ticket, { ref: true, deleteRule: "cascade" })
  ticket!: Ref<Ticket>;

  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  requester!: Ref<User>;

  /** The ticket's assignee when first rated (null: it was unassigned). */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  agent: Ref<User> | null = null;

  @Field(() => Int, { description: `The score, ${SCORE_MIN} (very unsatisfied) to ${SCORE_MAX} (very satisfied).` })
  @Property({ type: "tinyint" })
  score!: number;

  @Field(() => String, { nullable: true, description: `What the requester added, as plain text (up to ${RATING_COMMENT_MAX} characters).` })
  @Property({ type: "text", nullable: true })
  comment: string | null = null;

  @Field(() => Date, { description: "When the rating was last given or changed." })
  @Property({ type: "datetime", length: 3 })
  ratedAt!: Date;

  @Property({ type: "integer", version: true })
  version: number = 1;

  @Field(() => Date, { description: `Until when the requester may change it (${RATING_CHANGE_DAYS} days after first rating).` })
  get changeableUntil(): Date {
    return new Date(this.createdAt.getTime() + RATING_CHANGE_DAYS * 86_400_000);
  }
}
