import { Field, ID, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "An organisation's tickets (those its members requested) by state." })
export class OrganisationTicketCounts {
  @Field(() => ID, { description: "The organisation." })
  organisationId!: string;

  @Field(() => Int, { description: "Not yet resolved: open, in progress or waiting on the customer." })
  open!: number;

  @Field(() => Int, { description: "Resolved or closed." })
  resolved!: number;

  @Field(() => Int, { description: "That missed an SLA target, whatever their status (the queue's slaBreached filter)." })
  breached!: number;

  @Field(() => Int, { description: "Every ticket of its members." })
  total!: number;
}
