import type { Role } from "../../lib/format/labels.ts";
import type { EnumOf } from "../../lib/graphql/graphql.ts";

export type ApiScope = EnumOf<"ApiScope">;

/** Every scope, in the order offered, with who may grant it (the server checks the same). */
export const API_SCOPES: { scope: ApiScope; label: string; roles: readonly Role[] }[] = [
  { scope: "TICKETS_READ", label: "Read tickets and their comments", roles: ["CUSTOMER", "AGENT", "ADMIN"] },
  { scope: "TICKETS_WRITE", label: "Open, change and comment on tickets", roles: ["CUSTOMER", "AGENT", "ADMIN"] },
  { scope: "ISSUES_READ", label: "Read projects and issues", roles: ["AGENT", "ADMIN"] },
  { scope: "ISSUES_WRITE", label: "Create and change projects and issues", roles: ["AGENT", "ADMIN"] },
  { scope: "ADMIN", label: "Administration: users, audit trail, outbox", roles: ["ADMIN"] },
];

export const scopeLabel = (scope: string): string => API_SCOPES.find((s) => s.scope === scope)?.label ?? scope;

/** Lifetimes offered for a new token; the server caps it at API_TOKEN_MAX_DAYS (366 by default). */
export const TOKEN_LIFETIMES = [
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
] as const;
