import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { User } from "../users/user.entity.js";
import { SatisfactionGroupBy } from "./satisfaction.service.js";

registerEnumType(SatisfactionGroupBy, {
  name: "SatisfactionGroupBy",
  description: "How satisfaction figures are broken down.",
  valuesConfig: {
    AGENT: { description: "By the agent the ticket was assigned to when first rated (unassigned tickets form one group without an agent)." },
    WEEK: { description: "By UTC week (Monday to Sunday) of the rating." },
  },
});

@ObjectType({ description: "Satisfaction figures of one agent or one week." })
export class SatisfactionGroup {
  @Field(() => User, { nullable: true, description: "The agent (AGENT); null for unassigned tickets and for WEEK groups." })
  agent!: User | null;

  @Field(() => Date, { nullable: true, description: "Monday 00:00 UTC of the week (WEEK); null for AGENT groups." })
  weekStart!: Date | null;

  @Field(() => Int, { description: "Ratings in the group." })
  count!: number;

  @Field(() => Float, { nullable: true, description: "Mean score (1-5), to two decimals; null without ratings." })
  average!: number | null;

  @Field(() => [Int], { description: "How many ratings gave 1, 2, 3, 4 and 5, in that order." })
  distribution!: number[];
}

@ObjectType({ description: "Customer satisfaction over a period: totals and a breakdown by agent or by week." })
export class SatisfactionStats {
  @Field(() => Date, { description: "Start of the period (inclusive)." })
  from!: Date;

  @Field(() => Date, { description: "End of the period (exclusive)." })
  to!: Date;

  @Field(() => SatisfactionGroupBy, { description: "How `groups` is broken down." })
  groupBy!: SatisfactionGroupBy;

  @Field(() => Int, { description: "Ratings given or last changed in the period." })
  count!: number;

  @Field(() => Float, { nullable: true, description: "Mean score (1-5), to two decimals; null without ratings." })
  average!: number | null;

  @Field(() => [Int], { description: "How many ratings gave 1, 2, 3, 4 and 5, in that order." })
  distribution!: number[];

  @Field(() => [SatisfactionGroup], { description: "Per agent (most ratings first) or per week (oldest first); only groups with ratings." })
  groups!: SatisfactionGroup[];
}
