import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAdmin } from "../../graphql/rules.js";

const admin = rootField({ rule: isAdmin, scope: ApiScope.ADMIN });

export const automationRules: ModuleRules = {
  Query: { automationRules: admin, testAutomationRule: admin },
  Mutation: { createAutomationRule: admin, updateAutomationRule: admin, deleteAutomationRule: admin },
  AutomationRule: { "*": allow },
  AutomationConditionType: { "*": allow },
  AutomationActionType: { "*": allow },
  AutomationDryRunTicket: { "*": allow },
};
