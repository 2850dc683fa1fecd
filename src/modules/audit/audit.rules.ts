import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAdmin } from "../../graphql/rules.js";

export const auditRules: ModuleRules = {
  Query: { auditEvents: rootField({ rule: isAdmin, scope: ApiScope.ADMIN }) },
  AuditEvent: { "*": allow }, // reachable only through admin-only fields
  AuditEventConnection: { "*": allow },
  AuditEventEdge: { "*": allow },
};
