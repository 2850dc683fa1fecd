import { Entity, Index, PrimaryKey, Property } from "@mikro-orm/core";

/**
 * Failed sign-ins for an email that has no account (unknown-email-lockout.ts keeps it). Keyed by
 * the SHA-256 of the normalised address, so the key length is bounded whatever is typed.
 */
@Entity({ tableName: "unknown_email_lockouts" })
@Index({ name: "unknown_email_lockouts_locked_until_index", properties: ["lockedUntilMs"] })
export class UnknownEmailLockout {
  @PrimaryKey({ type: "string", length: 64 })
  emailKey!: string;

  @Property({ type: "integer" })
  failures: number = 0;

  /** Epoch milliseconds: compared in SQL the same way on MySQL and SQLite. */
  @Property({ type: "bigint", nullable: true })
  lockedUntilMs: string | null = null;
}
