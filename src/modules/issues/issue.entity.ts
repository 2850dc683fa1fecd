import { Entity, Enum, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { Project } from "../projects/project.entity.js";
import { User } from "../users/user.entity.js";
import { Priority, PRIORITY_RANK } from "../../core/priority.js";
import { IssueStatus } from "./issue.enums.js";

export const ISSUE_TITLE_MAX = 200;
export const ISSUE_DESCRIPTION_MAX = 20_000;

type Defaulted = "status" | "priority" | "priorityRank" | "assignee" | "parent" | "version";

/**
 * A piece of engineering work in a project (staff only). Relations are references resolved
 * through loaders; `priorityRank` mirrors `priority` for ordering.
 */
@ObjectType({ description: "A piece of engineering work in a project (staff only)." })
@Entity({ tableName: "issues" })
@Unique({ name: "issues_project_number_unique", properties: ["project", "number"] })
@Index({ name: "issues_created_index", properties: ["createdAt", "id"] })
@Index({ name: "issues_updated_index", properties: ["updatedAt", "id"] })
@Index({ name: "issues_priority_rank_index", properties: ["priorityRank", "id"] })
@Index({ name: "issues_project_created_index", properties: ["project", "createdAt"] })
@Index({ name: "issues_project_status_index", properties: ["project", "status"] })
@Index({ name: "issues_assignee_status_index", properties: ["assignee", "status"] })
@Index({ name: "issues_parent_status_index", properties: ["parent", "status"] })
export class Issue extends BaseEntity<Defaulted> {
  @ManyToOne(() => Project, { ref: true, deleteRule: "restrict" })
  project!: Ref<Project>;

  /** Sequential per project (issue-number.ts), never reused. */
  @Field(() => Int, { description: "Sequential number within the project; `key` shows it as OPS-12." })
  @Property({ type: "integer" })
  number!: number;

  /** `<project key>-<number>`, stored so lookups by key use one unique index. */
  @Field(() => String, { description: "The issue's key, e.g. OPS-12." })
  @Unique({ name: "issues_key_unique" })
  @Property({ type: "string", length: 24 })
  key!: string;

  @Field(() => String, { description: `One-line summary (1-${ISSUE_TITLE_MAX} characters).` })
  @Property({ type: "string", length: ISSUE_TITLE_MAX })
  title!: string;

  // mediumtext: 20,000 characters of utf8mb4 can exceed TEXT's 65,535 bytes.
  @Field(() => String, { description: "What needs doing, as Markdown source, stored exactly as written." })
  @Property({ type: "text", columnType: "mediumtext" })
  description!: string;

  @Field(() => IssueStatus, { description: "Where the issue is in its life." })
  @Enum({ items: () => IssueStatus, nativeEnumName: "issue_status" })
  status: IssueStatus = IssueStatus.TODO;

  @Field(() => Priority, { description: "How urgent it is." })
  @Enum({ items: () => Priority, nativeEnumName: "issue_priority" })
  priority: Priority = Priority.NORMAL;

  /** PRIORITY_RANK[priority], kept in step by setPriority(): the column ORDER BY uses. */
  @Property({ type: "tinyint" })
  priorityRank: number = PRIORITY_RANK[Priority.NORMAL];

  @ManyToOne(() => User, { ref: true, deleteRule: "restrict" })
  reporter!: Ref<User>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  assignee: Ref<User> | null = null;

  /** Sub-issues stay in their parent's project; the hierarchy is acyclic and shallow (issue.hierarchy.ts). */
  @ManyToOne(() => Issue, { ref: true, nullable: true, deleteRule: "restrict" })
  parent: Ref<Issue> | null = null;

  @Field(() => Int, { description: "Optimistic-lock version: pass it back as `expectedVersion` to detect concurrent changes." })
  @Property({ type: "integer", version: true })
  version: number = 1;

  setPriority(priority: Priority): void {
    this.priority = priority;
    this.priorityRank = PRIORITY_RANK[priority];
  }
}
