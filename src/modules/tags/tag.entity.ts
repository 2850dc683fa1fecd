import { Entity, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { Issue } from "../issues/issue.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";

export const TAG_NAME_MAX = 50;

/**
 * A label staff put on tickets and issues. `name` is shown as written; `normalized` (trimmed,
 * spaces collapsed, lower case) is unique, so "VPN" and " vpn " are one tag.
 */
@ObjectType({ description: "A label staff put on tickets and issues; unique case-insensitively." })
@Entity({ tableName: "tags" })
export class Tag extends BaseEntity<"version"> {
  @Field(() => String, { description: `The tag as shown (1-${TAG_NAME_MAX} characters).` })
  @Property({ type: "string", length: TAG_NAME_MAX })
  name!: string;

  /** tag.names.ts normalizeTag(name): what uniqueness and filters compare. */
  @Unique({ name: "tags_normalized_unique" })
  @Property({ type: "string", length: TAG_NAME_MAX })
  normalized!: string;

  @Field(() => Int, { description: "Optimistic-lock version: pass it back as `expectedVersion`." })
  @Property({ type: "integer", version: true })
  version: number = 1;
}

/** A tag on a ticket (staff only). */
@Entity({ tableName: "ticket_tags" })
@Unique({ name: "ticket_tags_pair_unique", properties: ["ticket", "tag"] })
@Index({ name: "ticket_tags_tag_index", properties: ["tag", "ticket"] })
export class TicketTag extends BaseEntity {
  @ManyToOne(() => Ticket, { ref: true, deleteRule: "cascade" })
  ticket!: Ref<Ticket>;

  @ManyToOne(() => Tag, { ref: true, deleteRule: "cascade" })
  tag!: Ref<Tag>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  addedBy: Ref<User> | null = null;
}

/** A tag on an issue. */
@Entity({ tableName: "issue_tags" })
@Unique({ name: "issue_tags_pair_unique", properties: ["issue", "tag"] })
@Index({ name: "issue_tags_tag_index", properties: ["tag", "issue"] })
export class IssueTag extends BaseEntity {
  @ManyToOne(() => Issue, { ref: true, deleteRule: "cascade" })
  issue!: Ref<Issue>;

  @ManyToOne(() => Tag, { ref: true, deleteRule: "cascade" })
  tag!: Ref<Tag>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  addedBy: Ref<User> | null = null;
}
