import { Entity, Index, Property } from "@mikro-orm/core";
import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";

export enum OutboxStatus {
  PENDING = "PENDING",
  DELIVERED = "DELIVERED",
  FAILED = "FAILED",
}

registerEnumType(OutboxStatus, {
  name: "OutboxStatus",
  description: "Where a queued email stands.",
  valuesConfig: {
    PENDING: { description: "Waiting for its first or next delivery attempt." },
    DELIVERED: { description: "Handed to the SMTP relay (or, with the outbox transport, kept here as delivered)." },
    FAILED: { description: "Given up after MAIL_MAX_ATTEMPTS failed attempts; kept for inspection." },
  },
});

/**
 * An email, written in the same transaction as the change that causes it ("outbox first, then
 * delivery") and delivered after commit by the mail worker. Rows stay until delivered, so a
 * crash or a relay outage delays mail but never loses it. With MAIL_TRANSPORT=outbox the row
 * is the development mailbox; with SMTP its bodies are dropped once delivered, so sign-in
 * links do not linger in the database.
 */
@ObjectType({ description: "An email queued for delivery. With MAIL_TRANSPORT=outbox this list is also the development mailbox." })
@Entity({ tableName: "mail_outbox" })
@Index({ name: "mail_outbox_due_index", properties: ["deliveredAt", "failedAt", "nextAttemptAt"] })
@Index({ name: "mail_outbox_recipient_index", properties: ["recipient", "createdAt"] })
@Index({ name: "mail_outbox_message_id_index", properties: ["messageId"] })
export class OutboxMessage extends BaseEntity<"attempts" | "lastError" | "claimedUntil" | "deliveredAt" | "failedAt" | "status" | "messageId" | "ticketId"> {
  @Field(() => String, { name: "to", description: "Recipient address." })
  @Property({ type: "string", length: 254 })
  recipient!: string;

  @Field(() => String, { description: "What the message is about, e.g. VERIFY_EMAIL or TICKET_REPLY." })
  @Property({ type: "string", length: 40 })
  kind!: string;

  @Field(() => String, { description: "Subject line." })
  @Property({ type: "string", length: 300 })
  subject!: string;

  @Field(() => String, { nullable: true, description: "Plain-text body; null once delivered over SMTP (bodies are not kept)." })
  @Property({ type: "text", nullable: true })
  text!: string | null;

  @Field(() => String, { nullable: true, description: "HTML body; null once delivered over SMTP." })
  @Property({ type: "text", nullable: true })
  html!: string | null;

  @Field(() => String, { nullable: true, description: "The Message-ID a ticket email is sent with (`<ticket-<ticket id>.<random>@<host>>`): replies that name it become comments (email intake). Null for other emails." })
  @Property({ type: "string", length: 255, nullable: true })
  messageId: string | null = null;

  /** The ticket a ticket email is about: its thread (In-Reply-To and References `<ticket-<id>@<host>>`). */
  @Property({ type: "uuid", length: 36, nullable: true })
  ticketId: string | null = null;

  @Field(() => Int, { description: "Delivery attempts made so far." })
  @Property({ type: "integer" })
  attempts: number = 0;

  @Field(() => Date, { description: "Earliest time of the next attempt (exponential backoff after failures)." })
  @Property({ type: "datetime", length: 3 })
  nextAttemptAt!: Date;

  @Field(() => String, { nullable: true, description: "Why the last attempt failed." })
  @Property({ type: "string", length: 1000, nullable: true })
  lastError: string | null = null;

  /** A worker's lease: while in the future, no other worker touches the row. */
  @Property({ type: "datetime", length: 3, nullable: true })
  claimedUntil: Date | null = null;

  @Field(() => Date, { nullable: true, description: "When it was delivered." })
  @Property({ type: "datetime", length: 3, nullable: true })
  deliveredAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: "When delivery was given up." })
  @Property({ type: "datetime", length: 3, nullable: true })
  failedAt: Date | null = null;

  @Field(() => OutboxStatus, { description: "Pending, delivered or failed." })
  get status(): OutboxStatus {
    return this.deliveredAt ? OutboxStatus.DELIVERED : this.failedAt ? OutboxStatus.FAILED : OutboxStatus.PENDING;
  }
}
