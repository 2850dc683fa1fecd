import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { Issue } from "../issues/issue.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { Tag } from "./tag.entity.js";
import { tagsByIssue, tagsByTicket } from "./tag.loaders.js";
import { IssueTagsPayload, TicketTagsPayload } from "./tag.types.js";

const version = { nullable: true, description: "The version you read; CONFLICT when it changed since." } as const;

@Resolver(() => Tag)
export class TagResolver {
  @Query(() => [Tag], { description: "Staff: tags by name, those containing `search` (case-insensitive) when given." })
  tags(
    @Arg("search", () => String, { nullable: true, description: "Part of the name." }) search: string | undefined,
    @Arg("first", () => Int, { defaultValue: 50, description: "How many (1-200)." }) first: number,
    @Ctx() ctx: Context,
  ): Promise<Tag[]> {
    return ctx.services.tags.list(ctx, search, first);
  }

  @Mutation(() => Tag, { description: "Admins: adds a tag; CONFLICT when one of that name (case-insensitively) exists." })
  createTag(@Arg("name", () => String, { description: "The tag (1-50 characters, one line, no comma)." }) name: string, @Ctx() ctx: Context): Promise<Tag> {
    return ctx.services.tags.create(ctx, name);
  }

  @Mutation(() => Tag, { description: "Admins: renames a tag everywhere it is used." })
  renameTag(
    @Arg("id", () => ID, { description: "The tag." }) id: string,
    @Arg("name", () => String, { description: "Its new name." }) name: string,
    @Arg("expectedVersion", () => Int, version) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<Tag> {
    return ctx.services.tags.rename(ctx, id, name, expectedVersion);
  }

  @Mutation(() => Boolean, { description: "Admins: deletes a tag and takes it off every ticket and issue." })
  deleteTag(@Arg("id", () => ID, { description: "The tag." }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.tags.delete(ctx, id);
  }

  @Mutation(() => TicketTagsPayload, { description: "Staff: replaces a ticket's tags. Unknown tags are created in TAGS_MODE=free (or by admins); refused otherwise." })
  setTicketTags(
    @Arg("ticketId", () => ID, { description: "The ticket." }) ticketId: string,
    @Arg("tags", () => [String], { description: "Its tags (at most 20)." }) tags: string[],
    @Arg("expectedVersion", () => Int, version) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<TicketTagsPayload> {
    return ctx.services.tags.changeTicketTags(ctx, ticketId, { set: tags }, expectedVersion);
  }

  @Mutation(() => TicketTagsPayload, { description: "Staff: adds and removes tags on a ticket; tags it has (or lacks) already change nothing." })
  changeTicketTags(
    @Arg("ticketId", () => ID, { description: "The ticket." }) ticketId: string,
    @Arg("add", () => [String], { defaultValue: [], description: "Tags to add (at most 20)." }) add: string[],
    @Arg("remove", () => [String], { defaultValue: [], description: "Tags to remove (at most 20)." }) remove: string[],
    @Arg("expectedVersion", () => Int, version) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<TicketTagsPayload> {
    return ctx.services.tags.changeTicketTags(ctx, ticketId, { add, remove }, expectedVersion);
  }

  @Mutation(() => IssueTagsPayload, { description: "Staff: replaces an issue's tags. Unknown tags are created in TAGS_MODE=free (or by admins); refused otherwise." })
  setIssueTags(
    @Arg("issueId", () => ID, { description: "The issue." }) issueId: string,
    @Arg("tags", () => [String], { description: "Its tags (at most 20)." }) tags: string[],
    @Arg("expectedVersion", () => Int, version) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<IssueTagsPayload> {
    return ctx.services.tags.changeIssueTags(ctx, issueId, { set: tags }, expectedVersion);
  }

  @Mutation(() => IssueTagsPayload, { description: "Staff: adds and removes tags on an issue; tags it has (or lacks) already change nothing." })
  changeIssueTags(
    @Arg("issueId", () => ID, { description: "The issue." }) issueId: string,
    @Arg("add", () => [String], { defaultValue: [], description: "Tags to add (at most 20)." }) add: string[],
    @Arg("remove", () => [String], { defaultValue: [], description: "Tags to remove (at most 20)." }) remove: string[],
    @Arg("expectedVersion", () => Int, version) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<IssueTagsPayload> {
    return ctx.services.tags.changeIssueTags(ctx, issueId, { add, remove }, expectedVersion);
  }
}

@Resolver(() => Ticket)
export class TicketTagsResolver {
  @FieldResolver(() => [Tag], { description: "Its tags, by name. Staff only." })
  tags(@Root() ticket: Ticket, @Ctx() ctx: Context): Promise<Tag[]> {
    return ctx.loaders.get(tagsByTicket).load(ticket.id);
  }
}

@Resolver(() => Issue)
export class IssueTagsResolver {
  @FieldResolver(() => [Tag], { description: "Its tags, by name." })
  tags(@Root() issue: Issue, @Ctx() ctx: Context): Promise<Tag[]> {
    return ctx.loaders.get(tagsByIssue).load(issue.id);
  }
}
