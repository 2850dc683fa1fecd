import { Entity, Enum, Index, JsonType, ManyToOne, Property, type Ref } from "@mikro-orm/core";
import { Field, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";
import { AutomationTrigger, type AutomationAction, type AutomationCondition } from "./automation.rules-model.js";
import { AutomationActionType, AutomationConditionType } from "./automation.types.js";

/**
 * An admin's rule: when `trigger` happens to a ticket and every condition holds, take the
 * actions, in order, on behalf of the rule's owner (who must stay an active admin).
 */
@ObjectType({ description: "An automation rule: when its trigger happens to a ticket and every condition holds, its actions run, in order." })
@Entity({ tableName: "automation_rules" })
@Index({ name: "automation_rules_trigger_index", properties: ["trigger", "enabled"] })
export class AutomationRule extends BaseEntity<"enabled" | "version" | "position"> {
  @Field(() => String, { description: "What the rule is for, shown in the audit trail." })
  @Property({ type: "string", length: 100 })
  name!: string;

  @Field(() => AutomationTrigger, { description: "The event that starts it." })
  @Enum({ items: () => AutomationTrigger, nativeEnumName: "automation_trigger" })
  trigger!: AutomationTrigger;

  @Field(() => [AutomationConditionType], { description: "All must hold." })
  @Property({ type: JsonType })
  conditions: AutomationCondition[] = [];

  @Field(() => [AutomationActionType], { description: "Run in order." })
  @Property({ type: JsonType })
  actions: AutomationAction[] = [];

  @Field(() => Boolean, { description: "Whether it runs." })
  @Property({ type: "boolean" })
  enabled: boolean = true;

  @Field(() => Int, { description: "Rules of one trigger run in ascending position, then by creation." })
  @Property({ type: "integer" })
  position: number = 0;

  @ManyToOne(() => User, { ref: true, deleteRule: "restrict" })
  owner!: Ref<User>;

  @Field(() => Int, { description: "Optimistic-lock version: pass it back as `expectedVersion`." })
  @Property({ type: "integer", version: true })
  version: number = 1;
}
