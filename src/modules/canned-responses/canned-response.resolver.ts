import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { CannedResponse } from "./canned-response.entity.js";
import { PLACEHOLDERS } from "./canned-response.placeholders.js";
import { mayChange } from "./canned-response.service.js";
import { CannedResponseInput, CannedResponsePlaceholder, RenderedCannedResponse } from "./canned-response.types.js";

@Resolver(() => CannedResponse)
export class CannedResponseResolver {
  @Query(() => [CannedResponse], { description: "Staff: your canned responses and the shared ones, by title." })
  cannedResponses(
    @Arg("search", () => String, { nullable: true, description: "Text in the title or body (case-insensitive)." }) search: string | undefined,
    @Arg("first", () => Int, { defaultValue: 50, description: "How many (1-200)." }) first: number,
    @Ctx() ctx: Context,
  ): Promise<CannedResponse[]> {
    return ctx.services.cannedResponses.list(ctx, search, first);
  }

  @Query(() => [CannedResponsePlaceholder], { description: "Staff: the placeholders canned responses and macro replies may use." })
  cannedResponsePlaceholders(): CannedResponsePlaceholder[] {
    return Object.entries(PLACEHOLDERS).map(([name, p]) => ({ token: `{{${name}}}`, description: p.describe }));
  }

  @Query(() => RenderedCannedResponse, { description: "Staff: a canned response with its placeholders filled for a ticket you can see." })
  renderCannedResponse(
    @Arg("id", () => ID, { description: "The canned response." }) id: string,
    @Arg("ticketId", () => ID, { description: "The ticket it answers." }) ticketId: string,
    @Ctx() ctx: Context,
  ): Promise<RenderedCannedResponse> {
    return ctx.services.cannedResponses.render(ctx, id, ticketId);
  }

  @Mutation(() => CannedResponse, { description: "Staff: adds a canned response (shared ones: admins only)." })
  createCannedResponse(@Arg("input", () => CannedResponseInput, { description: "The response." }) input: CannedResponseInput, @Ctx() ctx: Context): Promise<CannedResponse> {
    return ctx.services.cannedResponses.create(ctx, input);
  }

  @Mutation(() => CannedResponse, { description: "Staff: replaces your own canned response; admins, a shared one." })
  updateCannedResponse(
    @Arg("id", () => ID, { description: "The canned response." }) id: string,
    @Arg("input", () => CannedResponseInput, { description: "It as it should be." }) input: CannedResponseInput,
    @Arg("expectedVersion", () => Int, { nullable: true, description: "The version you read; CONFLICT when it changed since." }) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<CannedResponse> {
    return ctx.services.cannedResponses.update(ctx, id, input, expectedVersion);
  }

  @Mutation(() => Boolean, { description: "Staff: deletes your own canned response; admins, a shared one." })
  deleteCannedResponse(@Arg("id", () => ID, { description: "The canned response." }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.cannedResponses.delete(ctx, id);
  }

  @FieldResolver(() => User, { description: "Who created it." })
  owner(@Root() response: CannedResponse, @Ctx() ctx: Context): User | Promise<User> {
    return ctx.loaders.get(usersById).user(response.owner.id) as User | Promise<User>;
  }

  @FieldResolver(() => Boolean, { description: "Whether you may change or delete it." })
  editable(@Root() response: CannedResponse, @Ctx() ctx: Context): boolean {
    return ctx.viewer ? mayChange(response, ctx.viewer) : false;
  }
}
