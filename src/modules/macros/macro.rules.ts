import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isStaff } from "../../graphql/rules.js";

// Ownership (personal macros) and the admin-only shared ones are decided by the service.
const read = rootField({ rule: isStaff, scope: ApiScope.TICKETS_READ });
const write = rootField({ rule: isStaff, scope: ApiScope.TICKETS_WRITE });

export const macroRules: ModuleRules = {
  Query: { macros: read, previewMacro: read },
  Mutation: { applyMacro: write, createMacro: write, updateMacro: write, deleteMacro: write },
  Macro: { "*": allow },
  MacroActions: { "*": allow },
  MacroChange: { "*": allow },
  MacroPreview: { "*": allow },
  ApplyMacroPayload: { "*": allow },
};
