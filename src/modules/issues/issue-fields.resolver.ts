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
import { isStaff } from "../users/user.role.js";
import { Issue } from "./issue.entity.js";
import { IssueStatus } from "./issue.enums.js";
import { issuesById, openSubIssueCountByParent, subIssuesByParent } from "./issue.loaders.js";
import { mayApprove, mayReassign } from "./issue.permissions.js";
import { allowedTransitions, isClosedStatus } from "./issue.states.js";

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
    return isStaff(ctx.viewer?.role);
  }

  @FieldResolver(() => Boolean, {
    description: "Whether the viewer may change the issue's assignee with `assignIssue`: any staff member while it is unassigned; once assigned, its assignee, the project lead or an admin.",
  })
  async viewerCanAssign(@Root() issue: Issue, @Ctx() ctx: Context): Promise<boolean> {
    if (!ctx.viewer || !isStaff(ctx.viewer.role)) return false;
    if (issue.assignee === null) return true;
    return mayReassign(ctx.viewer, issue, await ctx.loaders.get(projectsById).load(issue.project.id));
  }

  @FieldResolver(() => Boolean, { description: "Whether the viewer may comment on the issue (staff)." })
  viewerCanComment(@Ctx() ctx: Context): boolean {
    return isStaff(ctx.viewer?.role);
  }

  @FieldResolver(() => [IssueStatus], {
    description: "The statuses the viewer could move the issue to now, by the same rules `transitionIssue` applies (CANCELED still needs a reason).",
  })
  async allowedTransitions(@Root() issue: Issue, @Ctx() ctx: Context): Promise<IssueStatus[]> {
    if (!ctx.viewer || !isStaff(ctx.viewer.role)) return [];
    const [project, openSubIssues, parent] = await Promise.all([
      ctx.loaders.get(projectsById).load(issue.project.id),
      ctx.loaders.get(openSubIssueCountByParent).load(issue.id),
      issue.parent ? ctx.loaders.get(issuesById).load(issue.parent.id) : null,
    ]);
    return allowedTransitions({
      status: issue.status,
      hasAssignee: issue.assignee !== null,
      openSubIssues,
      parentClosed: parent !== null && isClosedStatus(parent.status),
      viewerMayApprove: mayApprove(ctx.viewer, issue, project),
    });
  }
}
