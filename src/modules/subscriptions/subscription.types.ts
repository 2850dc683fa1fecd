import { Field, InputType } from "type-graphql";

@InputType({ description: "Narrows the desk's live events." })
export class DeskEventFilter {
  @Field(() => [String], {
    nullable: true,
    description: "Only events of these types, among ticket.created, ticket.updated, ticket.assigned, ticket.transitioned and comment.added (all of them when absent).",
  })
  types?: string[];
}
