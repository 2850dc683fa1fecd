import { Entity, Index, Property, Unique } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";

export enum IdempotencyStatus {
  IN_FLIGHT = "IN_FLIGHT",
  DONE = "DONE",
}

/**
 * One `Idempotency-Key` a caller sent with a mutation: unique per caller (`owner`: the user, or
 * the API token) and key, so replicas agree through the database which request came first. It
 * holds the request's fingerprint and, once the first request succeeded, its response to replay.
 */
@Entity({ tableName: "idempotency_keys" })
@Unique({ name: "idempotency_keys_owner_key_unique", properties: ["owner", "keyHash"] })
@Index({ name: "idempotency_keys_expires_index", properties: ["expiresAt"] })
export class IdempotencyKey extends BaseEntity<"status" | "response"> {
  /** "user:<id>" or "token:<id>": keys are the caller's own. */
  @Property({ type: "string", length: 64 })
  owner!: string;

  /** SHA-256 (hex) of the key as sent: any length the draft allows fits one index entry. */
  @Property({ type: "string", length: 64 })
  keyHash!: string;

  /** SHA-256 (hex) of the mutation, its variables and the caller. */
  @Property({ type: "string", length: 64 })
  fingerprint!: string;

  @Property({ type: "string", length: 16 })
  status: IdempotencyStatus = IdempotencyStatus.IN_FLIGHT;

  /** The first response's JSON body (success only). */
  @Property({ type: "text", columnType: "mediumtext", nullable: true })
  response: string | null = null;

  @Property({ type: "datetime", length: 3 })
  expiresAt!: Date;
}
