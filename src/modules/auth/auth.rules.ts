import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAuthenticated } from "../../graphql/rules.js";

/**
 * Sign-in flows are open to anyone and spend the per-IP sign-in budget; they do not act as the
 * caller, whatever credential comes along. Signing out and changing a password are the caller's
 * own account: sessions only.
 */
const signIn = rootField({ rule: allow, scope: "any", budget: "signIn" });

export const authRules: ModuleRules = {
  Mutation: {
    register: signIn,
    login: signIn,
    refreshToken: signIn,
    // needs a refresh token or an access token; checked in the service
    logout: rootField({ rule: allow, scope: "session", budget: "signIn" }),
    changePassword: rootField({ rule: isAuthenticated, scope: "session" }),
  },
  AuthPayload: { "*": allow },
};
