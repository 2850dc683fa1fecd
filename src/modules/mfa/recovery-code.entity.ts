import { Entity, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";

/**
 * A single-use recovery code, stored as the SHA-256 of its normalised form: the codes are 50
 * random bits each and a sign-in spends at most one guess per attempt under the lockout, so a
 * fast hash is enough (as for opaque tokens) and the lookup stays indexable.
 */
@Entity({ tableName: "mfa_recovery_codes" })
@Index({ name: "mfa_recovery_codes_user_index", properties: ["user", "usedAt"] })
export class RecoveryCode extends BaseEntity<"usedAt"> {
  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  user!: Ref<User>;

  @Unique({ name: "mfa_recovery_codes_hash_unique" })
  @Property({ type: "string", length: 64 })
  codeHash!: string;

  @Property({ type: "datetime", length: 3, nullable: true })
  usedAt: Date | null = null;
}
