import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { Ticket } from "../tickets/ticket.entity.js";

@InputType({ description: "Which duplicate to merge into which ticket, pinned to the versions the caller saw." })
export class MergeTicketsInput {
  @Field(() => ID, { description: "The duplicate: it is closed, pointing at the target." })
  sourceId!: string;

  @Field(() => ID, { description: "The ticket that lives on and receives the duplicate's comments, attachments, watchers and issue links." })
  targetId!: string;

  @Field(() => Int, { description: "The duplicate's version as the caller saw it; a newer one answers CONFLICT." })
  sourceVersion!: number;

  @Field(() => Int, { description: "The target's version as the caller saw it; a newer one answers CONFLICT." })
  targetVersion!: number;

  @Field(() => Boolean, {
    nullable: true,
    description: "Confirms a merge of two different customers' tickets (the target's requester then sees the moved public comments); without it such a merge answers BAD_USER_INPUT with reason DIFFERENT_REQUESTERS.",
  })
  acrossCustomers?: boolean | null;
}

@ObjectType({ description: "A merge that was done." })
export class MergeTicketsResult {
  @Field(() => Ticket, { description: "The duplicate, now closed and pointing at the target (`mergedInto`)." })
  source!: Ticket;

  @Field(() => Ticket, { description: "The ticket that lives on." })
  target!: Ticket;

  @Field(() => Int, { description: "How many comments moved to the target." })
  movedComments!: number;

  @Field(() => Int, { description: "How many attachments moved to the target." })
  movedAttachments!: number;

  @Field(() => Int, { description: "How many issue links moved to the target (links the target already had are dropped)." })
  movedLinks!: number;

  @Field(() => Int, { description: "How many watchers moved to the target (people already watching it stay once)." })
  movedWatchers!: number;
}
