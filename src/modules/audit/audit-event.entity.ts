import { Entity, Index, ManyToOne, PrimaryKey, Property, type Ref } from "@mikro-orm/core";
import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { v7 as uuidv7 } from "uuid";
import { User } from "../users/user.entity.js";
import { AuditAction } from "./audit.actions.js";
import { JsonObjectType } from "./json-object.type.js";

/** An append-only record of something that happened; never updated, so no updatedAt. */
@ObjectType({ description: "Something that happened on the desk: who did what to which object, from where and when." })
@Entity({ tableName: "audit_events" })
@Index({ name: "audit_events_target_index", properties: ["targetType", "targetId", "createdAt"] })
@Index({ name: "audit_events_action_index", properties: ["action", "createdAt"] })
@Index({ name: "audit_events_actor_index", properties: ["actor", "createdAt"] })
export class AuditEvent {
  @Field(() => ID, { description: "Stable, time-ordered identifier (UUIDv7)." })
  @PrimaryKey({ type: "uuid", length: 36 })
  id: string = uuidv7();

  /** Resolved through a loader (`actor` field resolver), not exposed as a raw reference. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  actor: Ref<User> | null = null;

  @Field(() => AuditAction, { description: "What happened." })
  // A plain string column: modules add actions without a schema migration for each.
  @Property({ type: "string", length: 64 })
  action!: AuditAction;

  @Field(() => String, { nullable: true, description: "Kind of object acted on (User, Session, Ticket, Issue, ...)." })
  @Property({ type: "string", length: 32, nullable: true })
  targetType: string | null = null;

  @Field(() => ID, { nullable: true, description: "Id of the object acted on." })
  @Property({ type: "string", length: 36, nullable: true })
  targetId: string | null = null;

  @Field(() => String, { nullable: true, description: "Client IP address of the request." })
  @Property({ type: "string", length: 64, nullable: true })
  ip: string | null = null;

  @Field(() => String, { nullable: true, description: "User agent of the request." })
  @Property({ type: "string", length: 512, nullable: true })
  userAgent: string | null = null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "Action-specific facts, e.g. the old and new value of a change." })
  @Property({ type: JsonObjectType, nullable: true })
  details: Record<string, unknown> | null = null;

  @Field(() => Date, { description: "When it happened." })
  @Index({ name: "audit_events_created_index" })
  @Property({ type: "datetime", length: 3 })
  createdAt: Date = new Date();
}
