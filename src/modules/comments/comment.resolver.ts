import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { ticketsById } from "../tickets/ticket.loaders.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { canChangeComment } from "./comment.access.js";
import { Comment } from "./comment.entity.js";
import { CommentSubjectType } from "./comment.enums.js";
import { AddCommentInput } from "./comment.types.js";

const expectedVersionArg = { nullable: true, description: "The version you last saw; when given, a newer version answers CONFLICT instead of overwriting it." };

@Resolver(() => Comment)
export class CommentResolver {
  @Mutation(() => Comment, {
    description:
      "Comments on a ticket or an issue. Internal notes and issue comments: agents and admins only. The first public agent comment is the ticket's first response; a customer's reply moves a ticket waiting on them back to IN_PROGRESS.",
  })
  addComment(@Arg("input", () => AddCommentInput, { description: "The comment." }) input: AddCommentInput, @Ctx() ctx: Context): Promise<Comment> {
    return ctx.services.comments.add(ctx, input);
  }

  @Mutation(() => Comment, { description: "Replaces a comment's body (see `viewerCanEdit`)." })
  editComment(
    @Arg("id", () => ID, { description: "The comment to edit." }) id: string,
    @Arg("body", () => String, { description: "The new body as Markdown (1-20,000 characters)." }) body: string,
    @Arg("expectedVersion", () => Int, expectedVersionArg) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<Comment> {
    return ctx.services.comments.edit(ctx, id, body, expectedVersion);
  }

  @Mutation(() => ID, { description: "Deletes a comment (see `viewerCanEdit`); it is no longer listed. Returns its id." })
  async deleteComment(
    @Arg("id", () => ID, { description: "The comment to delete." }) id: string,
    @Arg("expectedVersion", () => Int, expectedVersionArg) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<string> {
    return (await ctx.services.comments.delete(ctx, id, expectedVersion)).id;
  }

  @FieldResolver(() => User, { description: "Who wrote it." })
  author(@Root() comment: Comment, @Ctx() ctx: Context): User | Promise<User> {
    return ctx.loaders.get(usersById).user(comment.author.id) as User | Promise<User>;
  }

  @FieldResolver(() => Boolean, { description: "Whether the viewer may edit or delete the comment. On a ticket: its author or an agent, while the ticket is not closed. On an issue: its author or an admin." })
  async viewerCanEdit(@Root() comment: Comment, @Ctx() ctx: Context): Promise<boolean> {
    if (!ctx.viewer) return false;
    const ticket = comment.subjectType === CommentSubjectType.TICKET ? await ctx.loaders.get(ticketsById).load(comment.subjectId) : null;
    return canChangeComment(comment, ticket, ctx.viewer, ctx);
  }
}
