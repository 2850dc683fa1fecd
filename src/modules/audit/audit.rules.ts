import { allow, isAdmin } from "../../graphql/rules.js";

export const auditRules = {
  Query: { auditEvents: isAdmin },
  AuditEvent: { "*": allow }, // reachable only through admin-only fields
  AuditEventConnection: { "*": allow },
  AuditEventEdge: { "*": allow },
};
