import { allow, isAuthenticated } from "../../graphql/rules.js";

/**
 * Tokens are managed from a signed-in session only: the scope table (api-scope.table.ts) keeps
 * API tokens away from these fields, so a narrow token can never mint a broader one.
 */
export const apiTokenRules = {
  Query: { apiTokens: isAuthenticated },
  Mutation: { createApiToken: isAuthenticated, revokeApiToken: isAuthenticated },
  ApiToken: { "*": allow }, // reachable only through the owner's own fields above
  CreatedApiToken: { "*": allow },
};
