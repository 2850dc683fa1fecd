import { Entity, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";

/**
 * An account's identity at a provider (the ID token's `sub`), recorded when the account was first
 * linked by a verified email or created just in time; later sign-ins find the account by it.
 */
@Entity({ tableName: "sso_identities" })
@Unique({ name: "sso_identities_subject_unique", properties: ["provider", "subject"] })
export class SsoIdentity extends BaseEntity<"lastSignInAt"> {
  @Property({ type: "string", length: 32 })
  provider!: string;

  @Property({ type: "string", length: 255 })
  subject!: string;

  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  user!: Ref<User>;

  @Property({ type: "datetime", length: 3, nullable: true })
  lastSignInAt: Date | null = null;
}
