import { Entity, Index, ManyToOne, Property, type Ref } from "@mikro-orm/core";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";

/**
 * A named ticket list: the ticket list's filter and sort, kept as the `tickets` query takes them.
 * Personal views are their owner's; shared views (admins keep them) are every agent's and admin's.
 */
@ObjectType({ description: "A saved view: a named ticket filter and sort, personal or shared with every agent and admin, shown as a queue tab." })
@Entity({ tableName: "saved_views" })
@Index({ name: "saved_views_shared_index", properties: ["shared", "position"] })
export class SavedView extends BaseEntity<"shared" | "position" | "version" | "orderField" | "orderDirection"> {
  @Field(() => String, { description: "Its name, shown on the tab (1-60 characters)." })
  @Property({ type: "string", length: 60 })
  name!: string;

  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  owner!: Ref<User>;

  @Field(() => Boolean, { description: "true: every agent and admin sees it (admins keep shared views); false: only its owner does." })
  @Property({ type: "boolean" })
  shared: boolean = false;

  @Field(() => Int, { description: "Shared views come first, then the viewer's own, each in ascending position, then by creation." })
  @Property({ type: "integer" })
  position: number = 0;

  /**
   * The `TicketFilter` input as JSON text, written from the validated input: stored generically so
   * fields added to the filter later are kept without a migration. Read back through the same
   * input type (saved-view.filter.ts).
   */
  @Property({ type: "text", fieldName: "filter" })
  filterJson!: string;

  /** A TicketOrderField; null: the list's default (newest first). */
  @Property({ type: "string", length: 20, nullable: true })
  orderField: string | null = null;

  @Property({ type: "string", length: 4, nullable: true })
  orderDirection: string | null = null;

  @Field(() => Int, { description: "Optimistic-lock version: pass it back as `expectedVersion`." })
  @Property({ type: "integer", version: true })
  version: number = 1;
}
