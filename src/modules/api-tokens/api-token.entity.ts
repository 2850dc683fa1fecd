import { Entity, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";
import { ApiScope, parseStoredScopes } from "./api-scope.js";

/**
 * A personal API token: `Authorization: Bearer hd_pat_...` for scripts and integrations. The
 * secret is shown once at creation; only its SHA-256 is stored.
 */
@ObjectType({ description: "A personal API token (the secret itself is shown only once, by createApiToken)." })
@Entity({ tableName: "api_tokens" })
@Index({ name: "api_tokens_user_index", properties: ["user", "revokedAt"] })
export class ApiToken extends BaseEntity<"lastUsedAt" | "lastUsedIp" | "revokedAt" | "scopes"> {
  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  user!: Ref<User>;

  @Field(() => String, { description: "The owner's name for it, e.g. \"Nightly ticket export\"." })
  @Property({ type: "string", length: 100 })
  name!: string;

  @Unique({ name: "api_tokens_hash_unique" })
  @Property({ type: "string", length: 64 })
  tokenHash!: string;

  @Field(() => String, { description: "The first characters of the secret (e.g. hd_pat_Xy3f), to recognise it in a config file." })
  @Property({ type: "string", length: 16 })
  hint!: string;

  /** Space-separated scope names: portable across databases and readable in a dump. */
  @Property({ type: "string", length: 200, fieldName: "scopes" })
  storedScopes!: string;

  @Field(() => Date, { description: "When it stops working." })
  @Property({ type: "datetime", length: 3 })
  expiresAt!: Date;

  @Field(() => Date, { nullable: true, description: "When it was last used (updated at most once a minute)." })
  @Property({ type: "datetime", length: 3, nullable: true })
  lastUsedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: "IP address of the last use." })
  @Property({ type: "string", length: 64, nullable: true })
  lastUsedIp: string | null = null;

  @Field(() => Date, { nullable: true, description: "When it was revoked; a revoked token stops working at once." })
  @Property({ type: "datetime", length: 3, nullable: true })
  revokedAt: Date | null = null;

  @Field(() => [ApiScope], { description: "What it may be used for, within the owner's role." })
  get scopes(): ApiScope[] {
    return parseStoredScopes(this.storedScopes);
  }
}
