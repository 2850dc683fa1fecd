import { BigIntType, Entity, Index, JsonType, PrimaryKey, Property } from "@mikro-orm/core";
import type { EventVisibility } from "../core/events/catalog.js";

/**
 * The durable, ordered stream of domain events (core/events): one row per event, written in the
 * transaction that raised it. `position` is taken from a counter row locked until commit, so
 * positions are gap-free and ascend in commit order: a reader that saw position N has seen every
 * event before it, which makes the position a cursor for the feed, webhooks and other replicas.
 */
@Entity({ tableName: "domain_events" })
@Index({ name: "domain_events_ticket_index", properties: ["ticketId", "position"] })
@Index({ name: "domain_events_issue_index", properties: ["issueId", "position"] })
@Index({ name: "domain_events_project_index", properties: ["projectId", "position"] })
@Index({ name: "domain_events_type_index", properties: ["type", "position"] })
@Index({ name: "domain_events_occurred_index", properties: ["occurredAt"] })
export class DomainEventRecord {
  @PrimaryKey({ type: new BigIntType("number"), autoincrement: false })
  position!: number;

  @Property({ type: "uuid", length: 36, unique: "domain_events_id_unique" })
  id!: string;

  @Property({ type: "string", length: 64 })
  type!: string;

  @Property({ type: "datetime", length: 3 })
  occurredAt!: Date;

  @Property({ type: "uuid", length: 36, nullable: true })
  actorId!: string | null;

  @Property({ type: "string", length: 40 })
  targetType!: string;

  @Property({ type: "string", length: 64 })
  targetId!: string;

  @Property({ type: "uuid", length: 36, nullable: true })
  ticketId!: string | null;

  @Property({ type: "uuid", length: 36, nullable: true })
  issueId!: string | null;

  @Property({ type: "uuid", length: 36, nullable: true })
  projectId!: string | null;

  @Property({ type: "uuid", length: 36, nullable: true })
  userId!: string | null;

  @Property({ type: "string", length: 8 })
  visibility!: EventVisibility;

  @Property({ type: JsonType })
  payload!: Record<string, unknown>;

  @Property({ type: "string", length: 64 })
  requestId!: string;
}
