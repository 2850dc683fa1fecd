import { Args, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { commentPage } from "../comments/comment-page.js";
import type { Comment } from "../comments/comment.entity.js";
import { CommentConnection } from "../comments/comment.types.js";
import { Project } from "../projects/project.entity.js";
import { projectsById } from "../projects/project.loaders.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { canAssign, canComment, canEdit, transitionsFor } from "./issue.access.js";
import { Issue } from "./issue.entity.js";
import { IssueStatus } from "./issue.enums.js";
import { issuesById, openSubIssueCountByParent, subIssuesByParent } from "./issue.loaders.js";

/** The relations and viewer hints of an issue, every one through a per-request loader. */
@Resolver(() => Issue)
export class IssueFieldsResolver {
  @FieldResolver(() => Project, { description: "The project the issue belongs to." })
  async project(@Root() issue: Issue, @Ctx() ctx: Context): Promise<Project> {
    return (await ctx.loaders.get(projectsById).load(issue.project.id))!;
  }

  @FieldResolver(() => User, { description: "Who created the issue." })
  reporter(@Root() issue: Issue, @Ctx() ctx: Context): User | Promise<User> {
    return ctx.loaders.get(usersById).user(issue.reporter.id) as User | Promise<User>;
  }

  @FieldResolver(() => User, { nullable: true, description: "Who works on it; null while unassigned." })
  assignee(@Root() issue: Issue, @Ctx() ctx: Context): User | Promise<User | null> | null {
    return issue.assignee ? ctx.loaders.get(usersById).user(issue.assignee.id) : null;
  }

  @FieldResolver(() => Issue, { nullable: true, description: "The issue this one is a sub-issue of; null for a top-level issue." })
  parent(@Root() issue: Issue, @Ctx() ctx: Context): Promise<Issue | null> | null {
    return issue.parent ? ctx.loaders.get(issuesById).load(issue.parent.id) : null;
  }

  @FieldResolver(() => [Issue], { description: "The issue's direct sub-issues, by number." })
  subIssues(@Root() issue: Issue, @Ctx() ctx: Context): Promise<Issue[]> {
    return ctx.loaders.get(subIssuesByParent).load(issue.id);
  }

  @FieldResolver(() => CommentConnection, { description: "The discussion of the issue, oldest first; cancel reasons appear here too. Add to it with `addComment`." })
  comments(@Root() issue: Issue, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Connection<Comment>> {
    // Issues are staff-only, so their readers see every comment, internal or not.
    return commentPage(ctx.em, ctx.loaders, issue.id, "all", page);
  }

  @FieldResolver(() => Boolean, { description: "Whether the viewer may edit and link the issue (staff). Reassigning an issue that has an assignee also needs the assignee, the project lead or an admin: see `viewerCanAssign`." })
  viewerCanEdit(@Ctx() ctx: Context): boolean {
    return canEdit(ctx.viewer);
  }

  @FieldResolver(() => Boolean, {
    description: "Whether the viewer may change the issue's assignee with `assignIssue`: any staff member while it is unassigned; once assigned, its assignee, the project lead or an admin.",
  })
  async viewerCanAssign(@Root() issue: Issue, @Ctx() ctx: Context): Promise<boolean> {
    // The project (its lead) matters only once the issue has an assignee: no lookup otherwise.
    const project = issue.assignee === null ? null : await ctx.loaders.get(projectsById).load(issue.project.id);
    return canAssign(ctx.viewer, issue, project);
  }

  @FieldResolver(() => Boolean, { description: "Whether the viewer may comment on the issue (staff)." })
  viewerCanComment(@Ctx() ctx: Context): boolean {
    return canComment(ctx.viewer);
  }

  @FieldResolver(() => [IssueStatus], {
    description: "The statuses the viewer could move the issue to now, by the same rules `transitionIssue` applies (CANCELED still needs a reason).",
  })
  async allowedTransitions(@Root() issue: Issue, @Ctx() ctx: Context): Promise<IssueStatus[]> {
    const [project, openSubIssues, parent] = await Promise.all([
      ctx.loaders.get(projectsById).load(issue.project.id),
      ctx.loaders.get(openSubIssueCountByParent).load(issue.id),
      issue.parent ? ctx.loaders.get(issuesById).load(issue.parent.id) : null,
    ]);
    return transitionsFor(ctx.viewer, issue, { project, openSubIssues, parent });
  }
}
