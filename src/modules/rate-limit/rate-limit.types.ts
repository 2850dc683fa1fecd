import { Field, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "The caller's hourly budget of query points (as in GitHub's API). Also sent as X-RateLimit-Limit/-Remaining/-Reset headers." })
export class RateLimit {
  @Field(() => Int, { description: "Points per hour: per API token, per user for signed-in sessions, per IP for anonymous callers." })
  limit!: number;

  @Field(() => Int, { description: "Points this request cost: its estimated cost / 100, at least 1." })
  cost!: number;

  @Field(() => Int, { description: "Points spent in the current window, this request included." })
  used!: number;

  @Field(() => Int, { description: "Points left in the current window." })
  remaining!: number;

  @Field(() => Date, { description: "When the window ends and the budget is full again." })
  resetAt!: Date;
}
