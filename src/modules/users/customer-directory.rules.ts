import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { isStaff } from "../../graphql/rules.js";

/** Staff meet customers' names and emails on every ticket already; customers never list each other. */
export const customerDirectoryRules: ModuleRules = {
  Query: { customers: rootField({ rule: isStaff, scope: ApiScope.TICKETS_WRITE }) },
};
