import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { canCommentOnIssues, canCreateIssues, canEdit } from "./project.access.js";
import { Project } from "./project.entity.js";
import { CreateProjectInput, ProjectConnection, ProjectFilter, ProjectOrder, UpdateProjectInput } from "./project.types.js";

const expectedVersionArg = { nullable: true, description: "The version you last saw; when given, a newer version answers CONFLICT instead of overwriting it." };

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => Project, { nullable: true, description: "One project by id or by key (exactly one of them); null when there is none. Staff only." })
  project(
    @Arg("id", () => ID, { nullable: true, description: "The project's id." }) id: string | undefined,
    @Arg("key", () => String, { nullable: true, description: "The project's key, e.g. OPS." }) key: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<Project | null> {
    return ctx.services.projects.find(ctx, { id, key });
  }

  @Query(() => ProjectConnection, { description: "Projects, by key unless `orderBy` says otherwise. Staff only." })
  projects(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => ProjectFilter, { nullable: true, description: "Narrows the list." }) filter: ProjectFilter | undefined,
    @Arg("orderBy", () => ProjectOrder, { nullable: true, description: "Sort order; default KEY ascending." }) orderBy: ProjectOrder | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<Project>> {
    return ctx.services.projects.list(ctx, filter, orderBy, page);
  }

  @Mutation(() => Project, { description: "Creates a project. Admins only." })
  createProject(@Arg("input", () => CreateProjectInput, { description: "The new project." }) input: CreateProjectInput, @Ctx() ctx: Context): Promise<Project> {
    return ctx.services.projects.create(ctx, input);
  }

  @Mutation(() => Project, { description: "Changes a project's name, description or lead. Admins only." })
  updateProject(
    @Arg("id", () => ID, { description: "The project to change." }) id: string,
    @Arg("input", () => UpdateProjectInput, { description: "The changes." }) input: UpdateProjectInput,
    @Arg("expectedVersion", () => Int, expectedVersionArg) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<Project> {
    return ctx.services.projects.update(ctx, id, input, expectedVersion);
  }

  @Mutation(() => Project, { description: "Archives a project: it takes no new issues; existing issues stay workable. Idempotent. Admins only." })
  archiveProject(
    @Arg("id", () => ID, { description: "The project to archive." }) id: string,
    @Arg("expectedVersion", () => Int, expectedVersionArg) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<Project> {
    return ctx.services.projects.setArchived(ctx, id, true, expectedVersion);
  }

  @Mutation(() => Project, { description: "Makes an archived project active again. Idempotent. Admins only." })
  unarchiveProject(
    @Arg("id", () => ID, { description: "The project to reactivate." }) id: string,
    @Arg("expectedVersion", () => Int, expectedVersionArg) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<Project> {
    return ctx.services.projects.setArchived(ctx, id, false, expectedVersion);
  }

  @FieldResolver(() => User, { nullable: true, description: "The agent or admin who leads the project." })
  lead(@Root() project: Project, @Ctx() ctx: Context): User | Promise<User | null> | null {
    return project.lead ? ctx.loaders.get(usersById).user(project.lead.id) : null;
  }

  @FieldResolver(() => Boolean, { description: "Whether the viewer may change or archive the project (admins)." })
  viewerCanEdit(@Ctx() ctx: Context): boolean {
    return canEdit(ctx.viewer);
  }

  @FieldResolver(() => Boolean, { description: "Whether the viewer may comment on the project's issues (staff)." })
  viewerCanComment(@Ctx() ctx: Context): boolean {
    return canCommentOnIssues(ctx.viewer);
  }

  @FieldResolver(() => Boolean, { description: "Whether the viewer may create issues in the project: staff, while it is not archived." })
  viewerCanCreateIssues(@Root() project: Project, @Ctx() ctx: Context): boolean {
    return canCreateIssues(ctx.viewer, project);
  }
}
