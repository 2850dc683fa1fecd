import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { AutomationRule } from "./automation-rule.entity.js";
import { AutomationDryRunTicket, AutomationRuleInput } from "./automation.types.js";

@Resolver(() => AutomationRule)
export class AutomationResolver {
  @Query(() => [AutomationRule], { description: "Admins: every automation rule, by trigger and position." })
  automationRules(@Ctx() ctx: Context): Promise<AutomationRule[]> {
    return ctx.services.automation.list(ctx);
  }

  @Mutation(() => AutomationRule, { description: "Admins: adds a rule; it acts on events from now on, as its creator (its owner)." })
  createAutomationRule(@Arg("input", () => AutomationRuleInput, { description: "The rule." }) input: AutomationRuleInput, @Ctx() ctx: Context): Promise<AutomationRule> {
    return ctx.services.automation.create(ctx, input);
  }

  @Mutation(() => AutomationRule, { description: "Admins: replaces a rule's name, trigger, conditions, actions, state and position." })
  updateAutomationRule(
    @Arg("id", () => ID, { description: "The rule." }) id: string,
    @Arg("input", () => AutomationRuleInput, { description: "The rule as it should be." }) input: AutomationRuleInput,
    @Arg("expectedVersion", () => Int, { nullable: true, description: "The version you read; CONFLICT when the rule changed since." }) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<AutomationRule> {
    return ctx.services.automation.update(ctx, id, input, expectedVersion);
  }

  @Mutation(() => Boolean, { description: "Admins: removes a rule." })
  deleteAutomationRule(@Arg("id", () => ID, { description: "The rule." }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.automation.delete(ctx, id);
  }

  @Query(() => [AutomationDryRunTicket], { description: "Admins: what a rule would do to the newest tickets as they are now, without doing it." })
  testAutomationRule(
    @Arg("input", () => AutomationRuleInput, { description: "The rule to try (saved or not)." }) input: AutomationRuleInput,
    @Arg("lastTickets", () => Int, { defaultValue: 20, description: "How many of the newest tickets to try it on (1-200)." }) lastTickets: number,
    @Ctx() ctx: Context,
  ): Promise<AutomationDryRunTicket[]> {
    return ctx.services.automation.dryRun(ctx, input, lastTickets);
  }

  @FieldResolver(() => User, { description: "The admin the rule acts as." })
  owner(@Root() rule: AutomationRule, @Ctx() ctx: Context): User | Promise<User> {
    return ctx.loaders.get(usersById).user(rule.owner.id) as User | Promise<User>;
  }
}
