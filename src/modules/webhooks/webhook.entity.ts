import { BigIntType, Entity, ManyToOne, Property, type Ref } from "@mikro-orm/core";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";
import { secretHint } from "./webhook.signing.js";

/**
 * An endpoint that receives signed events (Standard Webhooks). Admins manage them.
 *
 * The signing secret is stored as it is: the server must recover it to sign every delivery (a
 * hash, as for API tokens, cannot sign), and DeskQL has no server-wide secret to encrypt it
 * with. Whoever reads the database can forge deliveries to the endpoints, not read DeskQL.
 */
@ObjectType({ description: "An endpoint DeskQL sends signed events to (Standard Webhooks). The signing secret is shown only by createWebhook and rotateWebhookSecret." })
@Entity({ tableName: "webhooks" })
export class Webhook extends BaseEntity<"events" | "secretHint" | "enabled" | "disabledAt" | "failingSince" | "previousSecret" | "previousSecretExpiresAt" | "description"> {
  @Field(() => String, { description: "Where deliveries are POSTed (https; http only where the server allows it)." })
  @Property({ type: "string", length: 2000 })
  url!: string;

  /** Space-separated event types or patterns ("ticket.created", "comment.*", "*"). */
  @Property({ type: "string", length: 2000, fieldName: "events" })
  storedEvents!: string;

  @Field(() => String, { description: "What it is for, e.g. \"Sync tickets to the CRM\"." })
  @Property({ type: "string", length: 500 })
  description: string = "";

  @Property({ type: "string", length: 100, hidden: true })
  secret!: string;

  /** The secret before the last rotation: it signs too until `previousSecretExpiresAt`. */
  @Property({ type: "string", length: 100, nullable: true, hidden: true })
  previousSecret: string | null = null;

  @Field(() => Date, { nullable: true, description: "Until when the secret before the last rotation still signs deliveries (both signatures are sent)." })
  @Property({ type: "datetime", length: 3, nullable: true })
  previousSecretExpiresAt: Date | null = null;

  @Field(() => Boolean, { description: "Whether events are delivered. An endpoint failing for WEBHOOK_DISABLE_AFTER_DAYS is disabled; enabling it again delivers what it missed." })
  @Property({ type: "boolean" })
  enabled: boolean = true;

  @Field(() => Date, { nullable: true, description: "When it was disabled (by an admin or for failing), if it is." })
  @Property({ type: "datetime", length: 3, nullable: true })
  disabledAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: "Since when its deliveries have been failing without a success; null while it answers." })
  @Property({ type: "datetime", length: 3, nullable: true })
  failingSince: Date | null = null;

  /** The last event position scanned for it: deliveries exist for every matching event up to here. */
  @Property({ type: new BigIntType("number") })
  scannedThrough!: number;

  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  createdBy!: Ref<User>;

  @Field(() => String, { description: "The first characters of the current signing secret (whsec_ and four more), to tell secrets apart." })
  get secretHint(): string {
    return secretHint(this.secret);
  }

  @Field(() => [String], { description: "The event types it receives; \"comment.*\" matches a module's events, \"*\" every event." })
  get events(): string[] {
    return this.storedEvents.split(" ").filter(Boolean);
  }
}
