import { Arg, Args, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { Project } from "../projects/project.entity.js";
import type { Issue } from "./issue.entity.js";
import { openIssueCountByProject } from "./issue.loaders.js";
import { IssueConnection, IssueFilter, IssueOrder, IssueStatusCount } from "./issue.types.js";

/** The issue fields of a project; they live here so projects do not depend on issues. */
@Resolver(() => Project)
export class ProjectIssuesResolver {
  @FieldResolver(() => IssueConnection, { description: "The project's issues, newest first unless `orderBy` says otherwise." })
  issues(
    @Root() project: Project,
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => IssueFilter, { nullable: true, description: "Narrows the list (within this project)." }) filter: IssueFilter | undefined,
    @Arg("orderBy", () => IssueOrder, { nullable: true, description: "Sort order; default CREATED_AT descending." }) orderBy: IssueOrder | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<Issue>> {
    return ctx.services.issues.list(ctx, filter, orderBy, page, project.id);
  }

  @FieldResolver(() => [IssueStatusCount], {
    description: "How many of the project's issues are in each status, every status listed (zero included), narrowed by `filter` as `issues` is: a board's column counts.",
  })
  issueStatusCounts(
    @Root() project: Project,
    @Arg("filter", () => IssueFilter, { nullable: true, description: "Narrows the counted issues (within this project)." }) filter: IssueFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<IssueStatusCount[]> {
    return ctx.services.issues.statusCounts(ctx, filter, project.id);
  }

  @FieldResolver(() => Int, { description: "How many of the project's issues are neither DONE nor CANCELED." })
  openIssueCount(@Root() project: Project, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.get(openIssueCountByProject).load(project.id);
  }
}
