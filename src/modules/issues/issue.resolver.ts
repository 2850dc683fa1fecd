import { Arg, Args, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { Issue } from "./issue.entity.js";
import { IssueStatus } from "./issue.enums.js";
import { CreateIssueInput, IssueConnection, IssueFilter, IssueOrder, UpdateIssueInput } from "./issue.types.js";

const expectedVersionArg = { nullable: true, description: "The version you last saw; when given, a newer version answers CONFLICT instead of overwriting it." };

/** Issue queries and mutations; the fields of an issue are in issue-fields.resolver.ts. */
@Resolver(() => Issue)
export class IssueResolver {
  @Query(() => Issue, { nullable: true, description: "One issue by id or by key such as OPS-12 (exactly one of them); null when there is none. Staff only." })
  issue(
    @Arg("id", () => ID, { nullable: true, description: "The issue's id." }) id: string | undefined,
    @Arg("key", () => String, { nullable: true, description: "The issue's key, e.g. OPS-12." }) key: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<Issue | null> {
    return ctx.services.issues.find(ctx, { id, key });
  }

  @Query(() => IssueConnection, { description: "Issues across projects, newest first unless `orderBy` says otherwise. Staff only." })
  issues(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => IssueFilter, { nullable: true, description: "Narrows the list." }) filter: IssueFilter | undefined,
    @Arg("orderBy", () => IssueOrder, { nullable: true, description: "Sort order; default CREATED_AT descending." }) orderBy: IssueOrder | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<Issue>> {
    return ctx.services.issues.list(ctx, filter, orderBy, page);
  }

  @Mutation(() => Issue, { description: "Creates an issue (TODO) with the project's next key. Staff only." })
  createIssue(@Arg("input", () => CreateIssueInput, { description: "The new issue." }) input: CreateIssueInput, @Ctx() ctx: Context): Promise<Issue> {
    return ctx.services.issues.create(ctx, input);
  }

  @Mutation(() => Issue, { description: "Changes an issue's title, description, priority or parent. Staff only." })
  updateIssue(
    @Arg("id", () => ID, { description: "The issue to change." }) id: string,
    @Arg("input", () => UpdateIssueInput, { description: "The changes." }) input: UpdateIssueInput,
    @Arg("expectedVersion", () => Int, expectedVersionArg) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<Issue> {
    return ctx.services.issues.update(ctx, id, input, expectedVersion);
  }

  @Mutation(() => Issue, {
    description:
      "Assigns an issue to an agent or admin, or to nobody (not while IN_PROGRESS or IN_REVIEW). Any staff member may take an unassigned issue; one that has an assignee is reassigned only by the assignee, the project lead or an admin. Staff only.",
  })
  assignIssue(
    @Arg("id", () => ID, { description: "The issue to assign." }) id: string,
    @Arg("assigneeId", () => ID, { nullable: true, description: "The new assignee; null for nobody." }) assigneeId: string | null | undefined,
    @Arg("expectedVersion", () => Int, expectedVersionArg) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<Issue> {
    return ctx.services.issues.assign(ctx, id, assigneeId ?? null, expectedVersion);
  }

  @Mutation(() => Issue, {
    description:
      "Moves an issue to another status (see `allowedTransitions`). IN_REVIEW and DONE only by the assignee, the project lead or an admin; CANCELED needs a reason, kept as a comment. A refused move answers INVALID_TRANSITION with `currentStatus` and the `allowedTransitions` open to the caller. Staff only.",
  })
  transitionIssue(
    @Arg("id", () => ID, { description: "The issue to move." }) id: string,
    @Arg("to", () => IssueStatus, { description: "The new status." }) to: IssueStatus,
    @Arg("reason", () => String, { nullable: true, description: "Why: required for CANCELED, stored as a comment on the issue." }) reason: string | undefined,
    @Arg("expectedVersion", () => Int, expectedVersionArg) expectedVersion: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<Issue> {
    return ctx.services.issueTransitions.transition(ctx, id, to, reason, expectedVersion);
  }
}
