import { rule } from "graphql-shield";
import type { Context } from "../../graphql/context.js";
import { ForbiddenError } from "../../core/errors.js";
import { Comment } from "../comments/comment.entity.js";
import { CommentSubjectType } from "../comments/comment.enums.js";
import { Issue } from "../issues/issue.entity.js";
import { ApiScope, scopeAllows } from "./api-scope.js";

/**
 * Comments live on tickets or on issues, through the same mutations. The scope table asks
 * tickets:write for them; a comment on an issue also needs issues:write. Looked up only for API
 * tokens without issues:write, so sessions pay nothing.
 */
export const issueCommentsNeedIssuesWrite = rule("issueCommentsNeedIssuesWrite", { cache: "strict" })(
  async (_parent, args: { input?: { subjectId?: string }; id?: string }, ctx: Context) => {
    const scopes = ctx.viewer?.scopes;
    if (!scopes || scopeAllows(scopes, ApiScope.ISSUES_WRITE)) return true;
    const em = ctx.em.fork();
    const onIssue = args.input?.subjectId
      ? (await em.count(Issue, { id: args.input.subjectId })) > 0
      : args.id
        ? (await em.count(Comment, { id: args.id, subjectType: CommentSubjectType.ISSUE })) > 0
        : false;
    return onIssue ? new ForbiddenError(`This API token lacks the "${ApiScope.ISSUES_WRITE}" scope (the comment is on an issue).`) : true;
  },
);
