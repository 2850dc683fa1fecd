import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { Macro } from "./macro.entity.js";
import { mayChangeMacro } from "./macro.service.js";
import { ApplyMacroPayload, MacroInput, MacroPreview } from "./macro.types.js";

@Resolver(() => Macro)
export class MacroResolver {
  @Query(() => [Macro], { description: "Staff: your macros and the shared ones, by name." })
  macros(
    @Arg("search", () => String, { nullable: true, description: "Part of the name (case-insensitive)." }) search: string | undefined,
    @Arg("first", () => Int, { defaultValue: 50, description: "How many (1-200)." }) first: number,
    @Ctx() ctx: Context,
  ): Promise<Macro[]> {
    return ctx.services.macros.list(ctx, search, first);
  }

  @Query(() => MacroPreview, { description: "Staff: what applying a macro to a ticket would change, and whether it would succeed now; changes nothing." })
  previewMacro(
    @Arg("macroId", () => ID, { description: "The macro." }) macroId: string,
    @Arg("ticketId", () => ID, { description: "The ticket." }) ticketId: string,
    @Ctx() ctx: Context,
  ): Promise<MacroPreview> {
    return ctx.services.macros.preview(ctx, macroId, ticketId);
  }

  @Mutation(() => ApplyMacroPayload, { description: "Staff: applies every change of a macro to a ticket in one transaction, or none (the first refusal is the error)." })
  applyMacro(
    @Arg("macroId", () => ID, { description: "The macro." }) macroId: string,
    @Arg("ticketId", () => ID, { description: "The ticket." }) ticketId: string,
    @Arg("expectedVersion", () => Int, { description: "The ticket's version you (or `previewMacro`) saw; CONFLICT when it changed since." }) expectedVersion: number,
    @Ctx() ctx: Context,
  ): Promise<ApplyMacroPayload> {
    return ctx.services.macros.apply(ctx, macroId, ticketId, expectedVersion);
  }

  @Mutation(() => Macro, { description: "Staff: adds a macro (shared ones: admins only)." })
  createMacro(@Arg("input", () => MacroInput, { description: "The macro." }) input: MacroInput, @Ctx() ctx: Context): Promise<Macro> {
    return ctx.services.macros.create(ctx, input);
  }

  @Mutation(() => Macro, { description: "Staff: replaces your own macro; admins, a shared one." })
  updateMacro(
    @Arg("id", () => ID, { description: "The macro." }) id: string,
    @Arg("input", () => MacroInput, { description: "It as it should be." }) input: MacroInput,
    @Arg("expectedVersion", () => Int, { nullable: true, description: "The version you read; CONFLICT when it changed since." }) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<Macro> {
    return ctx.services.macros.update(ctx, id, input, expectedVersion);
  }

  @Mutation(() => Boolean, { description: "Staff: deletes your own macro; admins, a shared one." })
  deleteMacro(@Arg("id", () => ID, { description: "The macro." }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.macros.delete(ctx, id);
  }

  @FieldResolver(() => User, { description: "Who created it." })
  owner(@Root() macro: Macro, @Ctx() ctx: Context): User | Promise<User> {
    return ctx.loaders.get(usersById).user(macro.owner.id) as User | Promise<User>;
  }

  @FieldResolver(() => Boolean, { description: "Whether you may change or delete it." })
  editable(@Root() macro: Macro, @Ctx() ctx: Context): boolean {
    return ctx.viewer ? mayChangeMacro(macro, ctx.viewer) : false;
  }
}
