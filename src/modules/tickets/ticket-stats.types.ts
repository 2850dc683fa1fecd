import { Field, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "Tickets created and resolved on one UTC day." })
export class TicketDayCount {
  @Field(() => Date, { description: "Start of the day (UTC midnight)." })
  day!: Date;

  @Field(() => Int, { description: "Tickets created that day." })
  created!: number;

  @Field(() => Int, { description: "Tickets resolved that day (by their last resolution; a ticket closed without one, by its closing)." })
  resolved!: number;
}

@ObjectType({ description: "The agent dashboard's trend: tickets created versus resolved per day." })
export class TicketStats {
  @Field(() => Date, { description: "Start of the first day (inclusive)." })
  from!: Date;

  @Field(() => Date, { description: "End of the last day, today (exclusive)." })
  to!: Date;

  @Field(() => Int, { description: "Tickets created over the whole span." })
  created!: number;

  @Field(() => Int, { description: "Tickets resolved over the whole span." })
  resolved!: number;

  @Field(() => [TicketDayCount], { description: "One entry per day, oldest first, every day included (today so far last)." })
  days!: TicketDayCount[];
}
