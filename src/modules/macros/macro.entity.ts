import { Entity, Index, JsonType, ManyToOne, Property, type Ref } from "@mikro-orm/core";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";
import type { MacroActionSet } from "./macro.model.js";
import { MacroActions } from "./macro.types.js";

export const MACRO_NAME_MAX = 100;

/**
 * A named set of changes an agent applies to a ticket in one click, all or nothing: a reply or
 * note, a status, a priority, an assignee, tags. Personal (its owner's) or shared (all staff
 * see it; admins keep it), like canned responses.
 */
@ObjectType({ description: "Named changes applied to a ticket at once, all or nothing: personal (its owner's) or shared with all staff." })
@Entity({ tableName: "macros" })
@Index({ name: "macros_owner_index", properties: ["owner", "shared"] })
export class Macro extends BaseEntity<"shared" | "version"> {
  @Field(() => String, { description: `Its name (1-${MACRO_NAME_MAX} characters).` })
  @Property({ type: "string", length: MACRO_NAME_MAX })
  name!: string;

  @Field(() => Boolean, { description: "Shared with every agent and admin (kept by admins); otherwise its owner's alone." })
  @Property({ type: "boolean" })
  shared: boolean = false;

  @Field(() => MacroActions, { description: "What it does." })
  @Property({ type: JsonType })
  actions!: MacroActionSet;

  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  owner!: Ref<User>;

  @Field(() => Int, { description: "Optimistic-lock version: pass it back as `expectedVersion`." })
  @Property({ type: "integer", version: true })
  version: number = 1;
}
