import { Entity, Enum, Index, Property, Unique } from "@mikro-orm/core";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { Role } from "./user.role.js";

@ObjectType({ description: "A person who uses the desk: a customer, an agent or an admin." })
@Entity({ tableName: "users" })
export class User extends BaseEntity<"role" | "emailVerified" | "failedLoginCount" | "lastLoginAt" | "lockedUntil" | "deactivatedAt"> {
  /** Stored lower-cased so uniqueness is case-insensitive on every database. */
  @Field(() => String, { description: "Sign-in email, lower-cased. Visible to the user, agents and admins only." })
  @Unique({ name: "users_email_unique" })
  @Property({ type: "string", length: 254 })
  email!: string;

  @Field(() => String, { description: "Name shown to others." })
  @Property({ type: "string", length: 100 })
  displayName!: string;

  @Field(() => Role, { description: "What the user may do." })
  @Index({ name: "users_role_index" })
  @Enum({ items: () => Role, nativeEnumName: "user_role" })
  role: Role = Role.CUSTOMER;

  @Property({ type: "string", length: 255, hidden: true })
  passwordHash!: string;

  @Field(() => Boolean, { description: "Whether the user proved they own their email address." })
  @Property({ type: "boolean" })
  emailVerified: boolean = false;

  @Field(() => Date, { nullable: true, description: "Last successful sign-in. Visible to the user and admins only (an admin's API token needs the admin scope)." })
  @Property({ type: "datetime", length: 3, nullable: true })
  lastLoginAt: Date | null = null;

  @Field(() => Int, { description: "Consecutive failed sign-ins since the last success. Admins only (an API token needs the admin scope)." })
  @Property({ type: "integer" })
  failedLoginCount: number = 0;

  @Field(() => Date, { nullable: true, description: "Sign-in is refused until this time after repeated failures. Visible to the user and admins only (an admin's API token needs the admin scope)." })
  @Property({ type: "datetime", length: 3, nullable: true })
  lockedUntil: Date | null = null;

  @Field(() => Date, { nullable: true, description: "When an admin deactivated the account; deactivated users cannot sign in." })
  @Property({ type: "datetime", length: 3, nullable: true })
  deactivatedAt: Date | null = null;

  isLocked(now: Date): boolean {
    return this.lockedUntil !== null && this.lockedUntil > now;
  }
}
