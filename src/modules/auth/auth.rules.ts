import { allow, isAuthenticated } from "../../graphql/rules.js";

/** Sign-in flows are open to anyone (they are rate-limited); the rest needs a session. */
export const authRules = {
  Mutation: {
    register: allow,
    login: allow,
    refreshToken: allow,
    logout: allow, // needs a refresh token or an access token; checked in the service
    changePassword: isAuthenticated,
  },
  AuthPayload: { "*": allow },
};
