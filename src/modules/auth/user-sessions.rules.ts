import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { isAdmin } from "../../graphql/rules.js";

/** Another user's sessions are user administration: admins, and of API tokens those with the admin scope. */
const administration = rootField({ rule: isAdmin, scope: ApiScope.ADMIN });

export const userSessionsRules: ModuleRules = {
  Query: { userSessions: administration },
  Mutation: { revokeUserSession: administration },
};
