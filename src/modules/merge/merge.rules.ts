import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isStaff } from "../../graphql/rules.js";

/** Merging is the desk's decision: agents and admins only. */
export const mergeRules: ModuleRules = {
  Mutation: { mergeTickets: rootField({ rule: isStaff, scope: ApiScope.TICKETS_WRITE }) },
  MergeTicketsResult: { "*": allow },
};
