import { Entity, Enum, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";
import { Priority, PRIORITY_RANK } from "../../core/priority.js";
import { TicketStatus } from "./ticket.enums.js";

export const SUBJECT_MAX = 200;
export const DESCRIPTION_MAX = 20_000;
export const CATEGORY_MAX = 50;

type Defaulted =
  | "status"
  | "priority"
  | "priorityRank"
  | "category"
  | "assignee"
  | "firstResponseAt"
  | "firstResponseSeconds"
  | "firstResponseLate"
  | "resolvedAt"
  | "closedAt"
  | "clockPausedSince"
  | "pausedSeconds"
  | "mergedInto"
  | "version";

/**
 * A customer's request to the desk. Relations are references resolved through loaders; the SLA
 * columns hold what ticket.sla.ts needs to answer "breached?" in SQL (see that file).
 */
@ObjectType({ description: "A customer's request to the service desk." })
@Entity({ tableName: "tickets" })
@Index({ name: "tickets_created_index", properties: ["createdAt", "id"] })
@Index({ name: "tickets_updated_index", properties: ["updatedAt", "id"] })
@Index({ name: "tickets_priority_rank_index", properties: ["priorityRank", "id"] })
@Index({ name: "tickets_status_index", properties: ["status", "createdAt"] })
@Index({ name: "tickets_requester_created_index", properties: ["requester", "createdAt"] })
@Index({ name: "tickets_assignee_status_index", properties: ["assignee", "status"] })
@Index({ name: "tickets_resolution_due_index", properties: ["resolutionDueAt"] })
@Index({ name: "tickets_first_response_due_index", properties: ["firstResponseDueAt"] })
@Index({ name: "tickets_sla_due_index", properties: ["slaDueAt", "id"] })
// MySQL/MariaDB only (InnoDB FULLTEXT); SQLite ignores it and the search falls back to LIKE.
@Index({ name: "tickets_text_fulltext", type: "fulltext", properties: ["subject", "description"] })
export class Ticket extends BaseEntity<Defaulted> {
  /** Sequential per desk, from the `counters` row "ticket" (ticket-number.ts), never reused. */
  @Field(() => Int, { description: "Sequential ticket number; `reference` shows it as #1042." })
  @Unique({ name: "tickets_number_unique" })
  @Property({ type: "integer" })
  number!: number;

  @Field(() => String, { description: `One-line summary (1-${SUBJECT_MAX} characters).` })
  @Property({ type: "string", length: SUBJECT_MAX })
  subject!: string;

  // mediumtext: 20,000 characters of utf8mb4 can exceed TEXT's 65,535 bytes.
  @Field(() => String, { description: "What the customer needs, as Markdown source, stored exactly as written." })
  @Property({ type: "text", columnType: "mediumtext" })
  description!: string;

  @Field(() => TicketStatus, { description: "Where the ticket is in its life." })
  @Enum({ items: () => TicketStatus, nativeEnumName: "ticket_status" })
  status: TicketStatus = TicketStatus.OPEN;

  @Field(() => Priority, { description: "How urgent it is; sets the SLA targets." })
  @Enum({ items: () => Priority, nativeEnumName: "ticket_priority" })
  priority: Priority = Priority.NORMAL;

  /** PRIORITY_RANK[priority], kept in step by setPriority(): the column ORDER BY uses. */
  @Property({ type: "tinyint" })
  priorityRank: number = PRIORITY_RANK[Priority.NORMAL];

  @Field(() => String, { nullable: true, description: `Free-form category such as "Hardware" (up to ${CATEGORY_MAX} characters).` })
  @Property({ type: "string", length: CATEGORY_MAX, nullable: true })
  category: string | null = null;

  @ManyToOne(() => User, { ref: true, deleteRule: "restrict" })
  requester!: Ref<User>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  assignee: Ref<User> | null = null;

  @Field(() => Date, { nullable: true, description: "When an agent first answered publicly." })
  @Property({ type: "datetime", length: 3, nullable: true })
  firstResponseAt: Date | null = null;

  /** Working seconds (paused time excluded) from creation to the first agent response. */
  @Property({ type: "integer", nullable: true })
  firstResponseSeconds: number | null = null;

  /** Whether the first response came after its deadline; judged once, when it happens. */
  @Property({ type: "boolean" })
  firstResponseLate: boolean = false;

  @Field(() => Date, { nullable: true, description: "When it was last resolved; cleared when reopened." })
  @Property({ type: "datetime", length: 3, nullable: true })
  resolvedAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: "When it was closed." })
  @Property({ type: "datetime", length: 3, nullable: true })
  closedAt: Date | null = null;

  /** Set while the SLA clock stands still (waiting on the customer, resolved, closed). */
  @Property({ type: "datetime", length: 3, nullable: true })
  clockPausedSince: Date | null = null;

  /** Seconds the clock stood still in completed pauses; deadlines are shifted by the same. */
  @Property({ type: "integer" })
  pausedSeconds: number = 0;

  @Field(() => Date, { description: "Deadline for the first agent response (moves later while the clock is paused)." })
  @Property({ type: "datetime", length: 3 })
  firstResponseDueAt!: Date;

  @Field(() => Date, { description: "Deadline for resolution (moves later while the clock is paused)." })
  @Property({ type: "datetime", length: 3 })
  resolutionDueAt!: Date;

  @Field(() => Date, {
    description: "The deadline the desk faces next: the first response's until an agent answered publicly, then the resolution's (moves later while the clock is paused).",
  })
  @Property({ type: "datetime", length: 3 })
  slaDueAt!: Date;

  /** When the next deadline becomes at risk (SLA_AT_RISK_PERCENT of its target used up): `slaDueSoon` filters on it. */
  @Property({ type: "datetime", length: 3 })
  slaAtRiskAt!: Date;

  /** The ticket this duplicate was merged into (modules/merge); set once, when it is closed by the merge. `Ticket.mergedInto` shows it. */
  @ManyToOne(() => Ticket, { ref: true, nullable: true, deleteRule: "set null", index: "tickets_merged_into_id_index" })
  mergedInto: Ref<Ticket> | null = null;

  @Field(() => Int, { description: "Optimistic-lock version: pass it back as `expectedVersion` to detect concurrent changes." })
  @Property({ type: "integer", version: true })
  version: number = 1;

  setPriority(priority: Priority): void {
    this.priority = priority;
    this.priorityRank = PRIORITY_RANK[priority];
  }
}
