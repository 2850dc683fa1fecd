import { Entity, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";

export const PROJECT_NAME_MAX = 100;
export const PROJECT_DESCRIPTION_MAX = 5_000;

/**
 * A body of engineering work that issues belong to. Staff only: customers never see projects.
 * `key` prefixes its issues' keys (OPS-12) and therefore never changes once created.
 */
@ObjectType({ description: "A body of engineering work that issues belong to (staff only)." })
@Entity({ tableName: "projects" })
@Index({ name: "projects_created_index", properties: ["createdAt", "id"] })
@Index({ name: "projects_name_index", properties: ["name", "id"] })
export class Project extends BaseEntity<"description" | "lead" | "archivedAt" | "archived" | "lastIssueNumber" | "version"> {
  @Field(() => String, { description: "Short unique key of 2-10 capital letters (e.g. OPS); prefixes the project's issue keys. Never changes." })
  @Unique({ name: "projects_key_unique" })
  @Property({ type: "string", length: 10 })
  key!: string;

  @Field(() => String, { description: `Display name (1-${PROJECT_NAME_MAX} characters).` })
  @Property({ type: "string", length: PROJECT_NAME_MAX })
  name!: string;

  @Field(() => String, { nullable: true, description: "What the project is about, as Markdown source." })
  @Property({ type: "text", nullable: true })
  description: string | null = null;

  /** Resolved through a loader (`lead` field resolver). */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  lead: Ref<User> | null = null;

  @Field(() => Date, { nullable: true, description: "When an admin archived the project; archived projects take no new issues." })
  @Property({ type: "datetime", length: 3, nullable: true })
  archivedAt: Date | null = null;

  /**
   * The number of the project's latest issue. Creating an issue increments it with an atomic
   * UPDATE inside the creating transaction (issue-number.ts), whose row lock serializes
   * concurrent creators; never decremented, so numbers are not reused.
   */
  @Property({ type: "integer" })
  lastIssueNumber: number = 0;

  @Field(() => Int, { description: "Optimistic-lock version: pass it back as `expectedVersion` to detect concurrent changes." })
  @Property({ type: "integer", version: true })
  version: number = 1;

  @Field(() => Boolean, { description: "Whether the project is archived (read-only for new issues)." })
  get archived(): boolean {
    return this.archivedAt !== null;
  }
}
