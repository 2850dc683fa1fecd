import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { Comment } from "../comments/comment.entity.js";
import { Issue } from "../issues/issue.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { Attachment } from "./attachment.entity.js";
import { attachmentsByParent } from "./attachment.loaders.js";

@Resolver(() => Attachment)
export class AttachmentResolver {
  @Mutation(() => Attachment, { description: "Removes an attachment and its file: its uploader or an agent. Audited." })
  deleteAttachment(@Arg("id", () => ID, { description: "The attachment." }) id: string, @Ctx() ctx: Context): Promise<Attachment> {
    return ctx.services.attachments.delete(ctx, id);
  }
}

/** Ticket.attachments: the files attached when the ticket was opened (its comments carry their own). */
@Resolver(() => Ticket)
export class TicketAttachmentsResolver {
  @FieldResolver(() => [Attachment], { description: "Files attached to the ticket itself when it was opened, oldest first (replies carry their own)." })
  attachments(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<Attachment[]> {
    return ctx.loaders.get(attachmentsByParent).load(ticket.id);
  }
}

@Resolver(() => Comment)
export class CommentAttachmentsResolver {
  @FieldResolver(() => [Attachment], { description: "Files attached to this comment, oldest first." })
  attachments(@Root() comment: Comment, @Ctx() ctx: Context): Promise<Attachment[]> {
    return ctx.loaders.get(attachmentsByParent).load(comment.id);
  }
}

@Resolver(() => Issue)
export class IssueAttachmentsResolver {
  @FieldResolver(() => [Attachment], { description: "Files attached to the issue when it was created, oldest first." })
  attachments(@Root() issue: Issue, @Ctx() ctx: Context): Promise<Attachment[]> {
    return ctx.loaders.get(attachmentsByParent).load(issue.id);
  }
}
