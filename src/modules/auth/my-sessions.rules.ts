import { allow, isAuthenticated } from "../../graphql/rules.js";

/** A caller manages only their own sessions (the service scopes every query to the viewer). */
export const mySessionsRules = {
  Query: { mySessions: isAuthenticated },
  Mutation: { revokeSession: isAuthenticated, revokeOtherSessions: isAuthenticated },
  SessionInfo: { "*": allow },
};
