import { allow, isAuthenticated } from "../../graphql/rules.js";

/**
 * Comments are reached through their subject (Ticket.comments, which filters internal notes by
 * role) or returned by these mutations, whose service checks the subject and the author.
 */
export const commentRules = {
  Mutation: { addComment: isAuthenticated, editComment: isAuthenticated, deleteComment: isAuthenticated },
  Comment: { "*": allow },
  CommentConnection: { "*": allow },
  CommentEdge: { "*": allow },
};
