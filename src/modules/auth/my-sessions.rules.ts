import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAuthenticated } from "../../graphql/rules.js";

/** A caller manages only their own sessions (the service scopes every query to the viewer), from a session. */
const ownSessions = rootField({ rule: isAuthenticated, scope: "session" });

export const mySessionsRules: ModuleRules = {
  Query: { mySessions: ownSessions },
  Mutation: { revokeSession: ownSessions, revokeOtherSessions: ownSessions },
  SessionInfo: { "*": allow },
};
