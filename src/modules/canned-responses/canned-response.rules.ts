import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isStaff } from "../../graphql/rules.js";

// Ownership (personal ones) and the admin-only shared ones are decided by the service.
const read = rootField({ rule: isStaff, scope: ApiScope.TICKETS_READ });
const write = rootField({ rule: isStaff, scope: ApiScope.TICKETS_WRITE });

export const cannedResponseRules: ModuleRules = {
  Query: { cannedResponses: read, cannedResponsePlaceholders: read, renderCannedResponse: read },
  Mutation: { createCannedResponse: write, updateCannedResponse: write, deleteCannedResponse: write },
  CannedResponse: { "*": allow },
  RenderedCannedResponse: { "*": allow },
  CannedResponsePlaceholder: { "*": allow },
};
