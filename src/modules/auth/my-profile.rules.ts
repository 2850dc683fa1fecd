import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { isAuthenticated } from "../../graphql/rules.js";

/** Anyone signed in edits their own profile (the service reads the viewer), from a session, not an API token. */
export const myProfileRules: ModuleRules = {
  Mutation: { updateMyProfile: rootField({ rule: isAuthenticated, scope: "session" }) },
};
