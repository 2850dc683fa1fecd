import { Field, ID, InputType } from "type-graphql";
import { connectionType } from "../../graphql/connection.types.js";
import { Comment } from "./comment.entity.js";

export const CommentConnection = connectionType(Comment, "Comment", "comment");

@InputType({ description: "A new comment on a ticket or an issue." })
export class AddCommentInput {
  @Field(() => ID, { description: "The ticket or issue to comment on (issues: agents and admins only)." })
  subjectId!: string;

  @Field(() => String, { description: "The comment as Markdown (1-20,000 characters)." })
  body!: string;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "An internal note, hidden from customers (agents and admins only). Default false. Issues are staff-only, so every issue comment is already hidden from customers: the flag is kept as given there and changes nothing.",
  })
  internal?: boolean;

  @Field(() => [ID], { nullable: true, description: "Ids of the caller's own uploads (POST /uploads) to attach, at most 20." })
  attachmentIds?: string[] | null;
}
