import { Entity, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";
import { Session } from "./session.entity.js";

/**
 * A refresh token of a session's family. Only the SHA-256 of the secret is stored; a token
 * with `rotatedAt` set has been exchanged once and must never be accepted again.
 */
@Entity({ tableName: "refresh_tokens" })
export class RefreshToken extends BaseEntity<"rotatedAt"> {
  @ManyToOne(() => Session, { ref: true, deleteRule: "cascade" })
  session!: Ref<Session>;

  @Unique({ name: "refresh_tokens_hash_unique" })
  @Property({ type: "string", length: 64 })
  tokenHash!: string;

  @Property({ type: "datetime", length: 3, nullable: true })
  rotatedAt: Date | null = null;

  @Property({ type: "datetime", length: 3 })
  expiresAt!: Date;
}
