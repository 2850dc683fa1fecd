import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { Organisation, OrganisationMember } from "./organisation.entity.js";
import { OrganisationRole } from "./organisation.enums.js";
import { domainsByOrganisation, membersByOrganisation, organisationsById } from "./organisation.loaders.js";
import { CreateOrganisationInput, OrganisationConnection, UpdateOrganisationInput } from "./organisation.types.js";

@Resolver(() => Organisation)
export class OrganisationResolver {
  @Query(() => OrganisationConnection, { description: "Customer organisations by name, A to Z. Agents and admins." })
  organisations(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("search", () => String, { nullable: true, description: "Only organisations whose name contains this text." }) search: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<Organisation>> {
    return ctx.services.organisations.list(ctx, search, page);
  }

  @Query(() => Organisation, { description: "One organisation with its members. Agents and admins." })
  organisation(@Arg("id", () => ID, { description: "The organisation." }) id: string, @Ctx() ctx: Context): Promise<Organisation> {
    return ctx.services.organisations.get(ctx, id);
  }

  @Query(() => [OrganisationMember], { description: "The signed-in user's organisation memberships, oldest first (the first is their primary organisation)." })
  myOrganisations(@Ctx() ctx: Context): Promise<OrganisationMember[]> {
    return ctx.services.organisations.mine(ctx);
  }

  @Mutation(() => Organisation, { description: "Creates an organisation. Admins." })
  createOrganisation(@Arg("input", () => CreateOrganisationInput, { description: "Its name, domains and notes." }) input: CreateOrganisationInput, @Ctx() ctx: Context): Promise<Organisation> {
    return ctx.services.organisations.create(ctx, input);
  }

  @Mutation(() => Organisation, { description: "Renames an organisation or changes its email domains or notes. Admins." })
  updateOrganisation(
    @Arg("id", () => ID, { description: "The organisation." }) id: string,
    @Arg("input", () => UpdateOrganisationInput, { description: "What changes." }) input: UpdateOrganisationInput,
    @Ctx() ctx: Context,
  ): Promise<Organisation> {
    return ctx.services.organisations.update(ctx, id, input);
  }

  @Mutation(() => ID, { description: "Deletes an organisation and its memberships; its members and their tickets stay. Returns its id. Admins." })
  deleteOrganisation(@Arg("id", () => ID, { description: "The organisation." }) id: string, @Ctx() ctx: Context): Promise<string> {
    return ctx.services.organisations.delete(ctx, id);
  }

  @Mutation(() => OrganisationMember, { description: "Adds a customer to an organisation. Admins." })
  addOrganisationMember(
    @Arg("organisationId", () => ID, { description: "The organisation." }) organisationId: string,
    @Arg("userId", () => ID, { description: "The customer." }) userId: string,
    @Arg("role", () => OrganisationRole, { nullable: true, description: "MEMBER when omitted." }) role: OrganisationRole | undefined,
    @Ctx() ctx: Context,
  ): Promise<OrganisationMember> {
    return ctx.services.organisations.addMember(ctx, organisationId, userId, role ?? OrganisationRole.MEMBER);
  }

  @Mutation(() => OrganisationMember, { description: "Makes a member a manager (who sees every member's tickets) or a plain member again. Admins." })
  setOrganisationMemberRole(
    @Arg("organisationId", () => ID, { description: "The organisation." }) organisationId: string,
    @Arg("userId", () => ID, { description: "The member." }) userId: string,
    @Arg("role", () => OrganisationRole, { description: "The new role." }) role: OrganisationRole,
    @Ctx() ctx: Context,
  ): Promise<OrganisationMember> {
    return ctx.services.organisations.setMemberRole(ctx, organisationId, userId, role);
  }

  @Mutation(() => Organisation, { description: "Removes a customer from an organisation; as a manager they stop seeing its tickets at once. Admins." })
  removeOrganisationMember(
    @Arg("organisationId", () => ID, { description: "The organisation." }) organisationId: string,
    @Arg("userId", () => ID, { description: "The member." }) userId: string,
    @Ctx() ctx: Context,
  ): Promise<Organisation> {
    return ctx.services.organisations.removeMember(ctx, organisationId, userId);
  }

  @FieldResolver(() => [String], { description: "Email domains whose new customers join as members, alphabetical (agents and admins only)." })
  emailDomains(@Root() organisation: Organisation, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.loaders.get(domainsByOrganisation).load(organisation.id);
  }

  @FieldResolver(() => [OrganisationMember], { description: "Its members, managers first, then by when they joined (agents and admins only)." })
  members(@Root() organisation: Organisation, @Ctx() ctx: Context): Promise<OrganisationMember[]> {
    return ctx.loaders.get(membersByOrganisation).load(organisation.id);
  }

  @FieldResolver(() => Int, { description: "How many members it has (agents and admins only)." })
  async memberCount(@Root() organisation: Organisation, @Ctx() ctx: Context): Promise<number> {
    return (await ctx.loaders.get(membersByOrganisation).load(organisation.id)).length;
  }
}

@Resolver(() => OrganisationMember)
export class OrganisationMembershipResolver {
  @FieldResolver(() => User, { description: "The customer." })
  user(@Root() member: OrganisationMember, @Ctx() ctx: Context): User | Promise<User> {
    return ctx.loaders.get(usersById).user(member.user.id) as User | Promise<User>;
  }

  @FieldResolver(() => Organisation, { description: "The organisation." })
  organisation(@Root() member: OrganisationMember, @Ctx() ctx: Context): Promise<Organisation> {
    return ctx.loaders.get(organisationsById).load(member.organisation.id) as Promise<Organisation>;
  }
}
