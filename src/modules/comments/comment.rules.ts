import { rule } from "graphql-shield";
import { ForbiddenError } from "../../core/errors.js";
import { ApiScope, missingScope } from "../../core/identity.js";
import { withEntityManager } from "../../core/scope.js";
import type { Context } from "../../graphql/context.js";
import { idempotent, rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAuthenticated } from "../../graphql/rules.js";
import { Comment } from "./comment.entity.js";
import { CommentSubjectType } from "./comment.enums.js";

/**
 * Comments live on tickets or on issues, through the same mutations, which ask tickets:write of
 * an API token; a comment on an issue also needs issues:write. Looked up only for API tokens
 * without issues:write, so sessions pay nothing. The issue is found through the issues service:
 * that module imports this one, so this one does not import it.
 */
const issueCommentsNeedIssuesWrite = rule("issueCommentsNeedIssuesWrite", { cache: "strict" })(
  async (_parent, args: { input?: { subjectId?: string }; id?: string }, ctx: Context) => {
    if (!missingScope(ctx.viewer, ApiScope.ISSUES_WRITE)) return true;
    const em = ctx.em.fork();
    const onIssue = args.input?.subjectId
      ? (await ctx.services.issues.find(withEntityManager(ctx, em), { id: args.input.subjectId })) !== null
      : args.id
        ? (await em.count(Comment, { id: args.id, subjectType: CommentSubjectType.ISSUE })) > 0
        : false;
    return onIssue ? new ForbiddenError(`This API token lacks the "${ApiScope.ISSUES_WRITE}" scope (the comment is on an issue).`) : true;
  },
);

/**
 * Comments are reached through their subject (Ticket.comments, which filters internal notes by
 * role) or returned by these mutations, whose service checks the subject and the author.
 */
const commentWrite = rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_WRITE, tokenCheck: issueCommentsNeedIssuesWrite });

export const commentRules: ModuleRules = {
  Mutation: { addComment: idempotent(commentWrite), editComment: commentWrite, deleteComment: commentWrite },
  Comment: { "*": allow },
  CommentConnection: { "*": allow },
  CommentEdge: { "*": allow },
};
