import { Entity, Enum, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";

export enum AccountTokenPurpose {
  VERIFY_EMAIL = "VERIFY_EMAIL",
  RESET_PASSWORD = "RESET_PASSWORD",
  SIGN_IN_LINK = "SIGN_IN_LINK",
}

/**
 * A single-use secret sent by email (verification, password reset, sign-in link). Only its
 * SHA-256 is stored; `usedAt` is set by the one request that spends it, `voidedAt` when a
 * newer token of the same purpose or a password reset made it obsolete.
 */
@Entity({ tableName: "account_tokens" })
@Index({ name: "account_tokens_user_purpose_index", properties: ["user", "purpose", "usedAt", "voidedAt"] })
export class AccountToken extends BaseEntity<"usedAt" | "voidedAt"> {
  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  user!: Ref<User>;

  @Enum({ items: () => AccountTokenPurpose, nativeEnumName: "account_token_purpose" })
  purpose!: AccountTokenPurpose;

  @Unique({ name: "account_tokens_hash_unique" })
  @Property({ type: "string", length: 64 })
  tokenHash!: string;

  @Property({ type: "datetime", length: 3 })
  expiresAt!: Date;

  @Property({ type: "datetime", length: 3, nullable: true })
  usedAt: Date | null = null;

  @Property({ type: "datetime", length: 3, nullable: true })
  voidedAt: Date | null = null;

  /** Where the request for it came from, for the audit of a disputed reset. */
  @Property({ type: "string", length: 64, nullable: true })
  requestedIp: string | null = null;
}
