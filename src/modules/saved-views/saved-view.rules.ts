import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAuthenticated } from "../../graphql/rules.js";

const read = rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_READ });
const write = rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_WRITE });

/**
 * Everyone signed in keeps personal views; which views one sees and may change (shared views:
 * admins change, staff see) is decided by SavedViewService, which answers NOT_FOUND or FORBIDDEN.
 */
export const savedViewRules: ModuleRules = {
  Query: { savedViews: read },
  Mutation: { createSavedView: write, updateSavedView: write, deleteSavedView: write },
  SavedView: { "*": allow },
  SavedViewOrder: { "*": allow },
};
