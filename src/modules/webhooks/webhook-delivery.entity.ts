import { BigIntType, Entity, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { Webhook } from "./webhook.entity.js";

export enum WebhookDeliveryStatus {
  PENDING = "PENDING",
  DELIVERED = "DELIVERED",
  FAILED = "FAILED",
}

registerEnumType(WebhookDeliveryStatus, {
  name: "WebhookDeliveryStatus",
  description: "Where a webhook delivery stands.",
  valuesConfig: {
    PENDING: { description: "Waiting for its first or next attempt." },
    DELIVERED: { description: "The endpoint answered 2xx." },
    FAILED: { description: "Given up after WEBHOOK_RETRY_HOURS of failed attempts (redeliverWebhookDelivery tries again)." },
  },
});

/**
 * One event for one endpoint, attempted until it is answered 2xx or WEBHOOK_RETRY_HOURS pass.
 * The request body is stored as first built, so every attempt sends the same bytes under the
 * same `webhook-id` (the event's id), whatever the events table's retention does meanwhile.
 */
@ObjectType({ description: "One event sent (or to be sent) to one webhook, with the outcome of its last attempt." })
@Entity({ tableName: "webhook_deliveries" })
@Unique({ name: "webhook_deliveries_event_unique", properties: ["webhook", "eventId"] })
@Index({ name: "webhook_deliveries_due_index", properties: ["status", "nextAttemptAt"] })
@Index({ name: "webhook_deliveries_webhook_index", properties: ["webhook", "createdAt"] })
export class WebhookDelivery extends BaseEntity<"status" | "attempts" | "claimedUntil" | "lastAttemptAt" | "responseStatus" | "durationMs" | "responseBody" | "error" | "deliveredAt"> {
  @ManyToOne(() => Webhook, { ref: true, deleteRule: "cascade" })
  webhook!: Ref<Webhook>;

  @Field(() => ID, { description: "The event's id: the `webhook-id` header of every attempt." })
  @Property({ type: "uuid", length: 36 })
  eventId!: string;

  @Field(() => String, { description: "The event's type (webhook.ping for a ping)." })
  @Property({ type: "string", length: 64 })
  eventType!: string;

  @Field(() => Float, { nullable: true, description: "The event's position in the stream; null for a ping." })
  @Property({ type: new BigIntType("number"), nullable: true })
  eventPosition!: number | null;

  /** The JSON body sent on every attempt: {type, timestamp, data}. */
  @Field(() => String, { description: "The JSON body sent on every attempt ({type, timestamp, data})." })
  @Property({ type: "text" })
  body!: string;

  @Field(() => WebhookDeliveryStatus, { description: "Where it stands." })
  @Property({ type: "string", length: 16 })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Field(() => Int, { description: "Attempts made so far." })
  @Property({ type: "integer" })
  attempts: number = 0;

  @Field(() => Date, { description: "When the next attempt is due (meaningful while PENDING)." })
  @Property({ type: "datetime", length: 3 })
  nextAttemptAt!: Date;

  /** A worker's claim: no other worker attempts it until then (a crashed worker's claim lapses). */
  @Property({ type: "datetime", length: 3, nullable: true })
  claimedUntil: Date | null = null;

  @Field(() => Date, { nullable: true, description: "When the last attempt started." })
  @Property({ type: "datetime", length: 3, nullable: true })
  lastAttemptAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: "When the endpoint accepted it." })
  @Property({ type: "datetime", length: 3, nullable: true })
  deliveredAt: Date | null = null;

  @Field(() => Int, { nullable: true, description: "The HTTP status of the last answer; null when none came (timeout, refused address)." })
  @Property({ type: "integer", nullable: true })
  responseStatus: number | null = null;

  @Field(() => Int, { nullable: true, description: "How long the last attempt took, in milliseconds." })
  @Property({ type: "integer", nullable: true })
  durationMs: number | null = null;

  @Field(() => String, { nullable: true, description: "The start of the last answer's body (at most 2,000 characters)." })
  @Property({ type: "text", nullable: true })
  responseBody: string | null = null;

  @Field(() => String, { nullable: true, description: "Why the last attempt failed without an answer, or which answer it was." })
  @Property({ type: "string", length: 500, nullable: true })
  error: string | null = null;
}
