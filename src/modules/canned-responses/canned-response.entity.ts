import { Entity, Index, ManyToOne, Property, type Ref } from "@mikro-orm/core";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";

export const CANNED_TITLE_MAX = 100;
export const CANNED_BODY_MAX = 10_000;

/**
 * A reply kept for reuse: personal (its owner's alone) or shared (every agent and admin sees it;
 * admins keep it). Its body is Markdown with placeholders (canned-response.placeholders.ts).
 */
@ObjectType({ description: "A reply kept for reuse: personal (its owner's) or shared with all staff." })
@Entity({ tableName: "canned_responses" })
@Index({ name: "canned_responses_owner_index", properties: ["owner", "shared"] })
export class CannedResponse extends BaseEntity<"shared" | "version"> {
  @Field(() => String, { description: `What it is for, shown in lists (1-${CANNED_TITLE_MAX} characters).` })
  @Property({ type: "string", length: CANNED_TITLE_MAX })
  title!: string;

  @Field(() => String, { description: "Markdown with placeholders such as {{requester.name}} and {{ticket.reference}} (see `renderCannedResponse`)." })
  @Property({ type: "text" })
  body!: string;

  @Field(() => Boolean, { description: "Shared with every agent and admin (kept by admins); otherwise its owner's alone." })
  @Property({ type: "boolean" })
  shared: boolean = false;

  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  owner!: Ref<User>;

  @Field(() => Int, { description: "Optimistic-lock version: pass it back as `expectedVersion`." })
  @Property({ type: "integer", version: true })
  version: number = 1;
}
