import { allow, isAdmin } from "../../graphql/rules.js";

export const securityRules = {
  Query: { securityStats: isAdmin, lockedAccounts: isAdmin },
  SecurityStats: { "*": allow }, // reachable only through the admin-only securityStats
  SecurityStatsBucket: { "*": allow },
};
