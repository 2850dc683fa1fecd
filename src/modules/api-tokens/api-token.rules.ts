import { idempotent, rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAuthenticated } from "../../graphql/rules.js";

/** Tokens are managed from a signed-in session only, so a narrow token can never mint a broader one. */
const sessionOnly = rootField({ rule: isAuthenticated, scope: "session" });

export const apiTokenRules: ModuleRules = {
  Query: { apiTokens: sessionOnly },
  Mutation: { createApiToken: idempotent(sessionOnly), revokeApiToken: sessionOnly },
  ApiToken: { "*": allow }, // reachable only through the owner's own fields above
  CreatedApiToken: { "*": allow },
};
