import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAdmin } from "../../graphql/rules.js";

const adminOnly = rootField({ rule: isAdmin, scope: ApiScope.ADMIN });

export const securityRules: ModuleRules = {
  Query: { securityStats: adminOnly, lockedAccounts: adminOnly },
  SecurityStats: { "*": allow }, // reachable only through the admin-only securityStats
  SecurityStatsBucket: { "*": allow },
};
