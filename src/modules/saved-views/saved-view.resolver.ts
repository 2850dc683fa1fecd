import { GraphQLJSONObject } from "graphql-scalars";
import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import type { SortDirection } from "../../graphql/sort-direction.js";
import type { TicketOrderField } from "../tickets/ticket.types.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { canEditView } from "./saved-view.access.js";
import { SavedView } from "./saved-view.entity.js";
import { storedTicketFilter } from "./saved-view.filter.js";
import { savedViewCounts } from "./saved-view.loaders.js";
import { CreateSavedViewInput, SavedViewOrder, UpdateSavedViewInput } from "./saved-view.types.js";

@Resolver(() => SavedView)
export class SavedViewResolver {
  @Query(() => [SavedView], { description: "The caller's saved views: shared ones first (agents and admins), then their own, each group in order." })
  savedViews(@Ctx() ctx: Context): Promise<SavedView[]> {
    return ctx.services.savedViews.list(ctx);
  }

  @Mutation(() => SavedView, {
    description: "Saves a ticket filter and sort under a name. The filter is checked as `tickets(filter:)` checks it (BAD_USER_INPUT naming the field). Only admins create shared views.",
  })
  createSavedView(@Arg("input", () => CreateSavedViewInput, { description: "The view." }) input: CreateSavedViewInput, @Ctx() ctx: Context): Promise<SavedView> {
    return ctx.services.savedViews.create(ctx, input);
  }

  @Mutation(() => SavedView, { description: "Renames, re-filters, re-sorts, moves or (admins) shares or unshares a saved view: your own, or (admins) a shared one." })
  updateSavedView(
    @Arg("id", () => ID, { description: "The view." }) id: string,
    @Arg("input", () => UpdateSavedViewInput, { description: "The changes." }) input: UpdateSavedViewInput,
    @Arg("expectedVersion", () => Int, { nullable: true, description: "The version you read; CONFLICT when the view changed since." }) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<SavedView> {
    return ctx.services.savedViews.update(ctx, id, input, expectedVersion);
  }

  @Mutation(() => Boolean, { description: "Deletes a saved view: your own, or (admins) a shared one." })
  deleteSavedView(@Arg("id", () => ID, { description: "The view." }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.savedViews.delete(ctx, id);
  }

  @FieldResolver(() => GraphQLJSONObject, { description: "The filter, in the shape `tickets(filter:)` takes: pass it back as that argument." })
  filter(@Root() view: SavedView): Record<string, unknown> {
    return JSON.parse(view.filterJson) as Record<string, unknown>;
  }

  @FieldResolver(() => SavedViewOrder, { nullable: true, description: "The sort, in the shape `tickets(orderBy:)` takes; null: newest first." })
  orderBy(@Root() view: SavedView): SavedViewOrder | null {
    return view.orderField && view.orderDirection ? { field: view.orderField as TicketOrderField, direction: view.orderDirection as SortDirection } : null;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: "How many tickets it shows you now, as `tickets(filter:).totalCount` would say (one COUNT per view, all of a request's views in one statement). null when its filter no longer applies.",
  })
  async count(@Root() view: SavedView, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<number | null> {
    const filter = storedTicketFilter(view.filterJson, info.schema);
    return filter ? ctx.loaders.get(savedViewCounts).count(ctx, ctx.services.savedViews, filter) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: "Who created it (shared views: agents and admins see the admin)." })
  owner(@Root() view: SavedView, @Ctx() ctx: Context): User | null | Promise<User | null> {
    return ctx.loaders.get(usersById).user(view.owner.id);
  }

  @FieldResolver(() => Boolean, { description: "Whether you may rename, change, move or delete it: your own views, and shared ones for admins." })
  viewerCanEdit(@Root() view: SavedView, @Ctx() ctx: Context): boolean {
    return ctx.viewer ? canEditView(view, ctx.viewer) : false;
  }
}
