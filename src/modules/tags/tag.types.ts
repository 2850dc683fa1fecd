import { Field, ObjectType } from "type-graphql";
import { Issue } from "../issues/issue.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";

@ObjectType({ description: "A ticket after its tags changed, and what changed." })
export class TicketTagsPayload {
  @Field(() => Ticket, { description: "The ticket as it is now (its `version` moved when the tags changed)." })
  ticket!: Ticket;

  @Field(() => [String], { description: "The tags added by this change." })
  added!: string[];

  @Field(() => [String], { description: "The tags removed by this change." })
  removed!: string[];
}

@ObjectType({ description: "An issue after its tags changed, and what changed." })
export class IssueTagsPayload {
  @Field(() => Issue, { description: "The issue as it is now (its `version` moved when the tags changed)." })
  issue!: Issue;

  @Field(() => [String], { description: "The tags added by this change." })
  added!: string[];

  @Field(() => [String], { description: "The tags removed by this change." })
  removed!: string[];
}
