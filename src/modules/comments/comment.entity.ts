import { Entity, Enum, Index, ManyToOne, Property, type Ref } from "@mikro-orm/core";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";
import { CommentSubjectType } from "./comment.enums.js";

export const BODY_MAX = 20_000;

/**
 * A comment on a ticket or an issue. Polymorphic by (subjectType, subjectId) rather than two
 * foreign keys, so one table, one index and one loader serve both; the subject's module checks
 * the subject exists and may be seen before a comment is written or read.
 */
@ObjectType({ description: "A comment on a ticket or an issue, written in Markdown." })
@Entity({ tableName: "comments" })
// "Latest N comments of these subjects" and "comments of this subject, in order".
@Index({ name: "comments_subject_created_index", properties: ["subjectId", "createdAt", "id"] })
@Index({ name: "comments_author_index", properties: ["author", "createdAt"] })
// MySQL/MariaDB only; SQLite ignores it and ticket search falls back to LIKE.
@Index({ name: "comments_body_fulltext", type: "fulltext", properties: ["body"] })
export class Comment extends BaseEntity<"internal" | "editedAt" | "deletedAt" | "mergedFromNumber" | "version"> {
  @ManyToOne(() => User, { ref: true, deleteRule: "restrict" })
  author!: Ref<User>;

  @Field(() => CommentSubjectType, { description: "What kind of object the comment belongs to." })
  @Enum({ items: () => CommentSubjectType, nativeEnumName: "comment_subject_type" })
  subjectType!: CommentSubjectType;

  @Field(() => ID, { description: "Id of the ticket or issue the comment belongs to." })
  @Property({ type: "uuid", length: 36 })
  subjectId!: string;

  // mediumtext: 20,000 characters of utf8mb4 can exceed TEXT's 65,535 bytes.
  @Field(() => String, { description: `The comment as Markdown source, stored exactly as written (1-${BODY_MAX} characters).` })
  @Property({ type: "text", columnType: "mediumtext" })
  body!: string;

  @Field(() => Boolean, { description: "An internal note: visible to agents and admins only." })
  @Property({ type: "boolean" })
  internal: boolean = false;

  @Field(() => Date, { nullable: true, description: "When the body was last edited." })
  @Property({ type: "datetime", length: 3, nullable: true })
  editedAt: Date | null = null;

  /** Soft delete: kept for the audit trail, never listed. */
  @Property({ type: "datetime", length: 3, nullable: true })
  deletedAt: Date | null = null;

  @Field(() => Int, { nullable: true, description: "The number of the duplicate ticket this comment was written on, when that ticket was merged into this one; null otherwise." })
  @Property({ type: "integer", nullable: true })
  mergedFromNumber: number | null = null;

  @Field(() => Int, { description: "Optimistic-lock version, incremented by every change." })
  @Property({ type: "integer", version: true })
  version: number = 1;
}
