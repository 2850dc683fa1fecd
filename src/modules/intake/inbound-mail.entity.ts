import { Entity, Enum, Index, Property, Unique } from "@mikro-orm/core";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { InboundMailStatus } from "./inbound-mail.enums.js";

/**
 * One received email, by its Message-ID (or `sha256:<hash>` of the raw message when it has none).
 * The row is the claim: it is inserted in the transaction that writes the ticket or comment, so
 * a unique violation means another replica (or an earlier run) handled the message already.
 * A failure is recorded in a transaction of its own, its raw message kept in the storage for retry.
 */
@ObjectType({ description: "An email the intake received and what became of it. Admins only." })
@Entity({ tableName: "inbound_mails" })
@Index({ name: "inbound_mails_status_index", properties: ["status", "createdAt"] })
@Index({ name: "inbound_mails_comment_index", properties: ["commentId"] })
@Index({ name: "inbound_mails_ticket_index", properties: ["ticketId"] })
export class InboundMail extends BaseEntity<"status" | "reason" | "ticketId" | "commentId" | "mailbox" | "uid" | "rawKey" | "attempts" | "sender" | "subject"> {
  /** Message-ID without angle brackets, lower-cased; or sha256:<hex> of the raw message. */
  @Field(() => String, { description: "The message's Message-ID (or `sha256:` and a hash of the message when it has none): each is handled once." })
  @Unique({ name: "inbound_mails_message_key_unique" })
  @Property({ type: "string", length: 255 })
  messageKey!: string;

  @Field(() => String, { nullable: true, description: "Where it came from: the IMAP mailbox (user@host/INBOX), or `smtp` for the inbound SMTP listener." })
  @Property({ type: "string", length: 255, nullable: true })
  mailbox: string | null = null;

  @Field(() => Int, { nullable: true, description: "Its UID in that IMAP mailbox." })
  @Property({ type: "integer", nullable: true })
  uid: number | null = null;

  @Field(() => String, { nullable: true, description: "The sender's address (From), lower-cased." })
  @Property({ type: "string", length: 254, nullable: true })
  sender: string | null = null;

  @Field(() => String, { nullable: true, description: "The message's subject." })
  @Property({ type: "string", length: 300, nullable: true })
  subject: string | null = null;

  @Field(() => InboundMailStatus, { description: "What became of it." })
  @Enum({ items: () => InboundMailStatus, nativeEnumName: "inbound_mail_status" })
  status: InboundMailStatus = InboundMailStatus.PROCESSED;

  @Field(() => String, { nullable: true, description: "Why it failed, was held, rejected or ignored." })
  @Property({ type: "string", length: 1000, nullable: true })
  reason: string | null = null;

  @Field(() => ID, { nullable: true, description: "The ticket it opened or commented on." })
  @Property({ type: "uuid", length: 36, nullable: true })
  ticketId: string | null = null;

  @Field(() => ID, { nullable: true, description: "The comment it became (a reply)." })
  @Property({ type: "uuid", length: 36, nullable: true })
  commentId: string | null = null;

  /** Where the raw message is kept in the attachment storage while it may be retried (failed or held). */
  @Property({ type: "string", length: 200, nullable: true })
  rawKey: string | null = null;

  @Field(() => Int, { description: "How many times it was processed (1, plus one per retry)." })
  @Property({ type: "integer" })
  attempts: number = 1;
}
