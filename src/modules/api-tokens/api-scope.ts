import { registerEnumType } from "type-graphql";
import { ApiScope, isStaff, Role } from "../../core/identity.js";

// The scopes themselves are the kernel's (core/identity.ts); here they become the GraphQL enum.
export { ApiScope, missingScope, scopeAllows } from "../../core/identity.js";

registerEnumType(ApiScope, {
  name: "ApiScope",
  description: "What a personal API token may be used for (tickets:read, tickets:write, issues:read, issues:write, admin, webhooks). Scopes narrow the owner's role; they never widen it.",
  valuesConfig: {
    TICKETS_READ: { description: "tickets:read: read tickets and their comments that the owner can see." },
    TICKETS_WRITE: { description: "tickets:write: open, update, assign and transition tickets and comment on them (includes tickets:read)." },
    ISSUES_READ: { description: "issues:read: read projects and issues (staff owners only)." },
    ISSUES_WRITE: { description: "issues:write: create and change projects and issues (includes issues:read; staff owners only)." },
    ADMIN: { description: "admin: user administration, the audit trail, the outbox and the security dashboard (admin owners only)." },
    WEBHOOKS: { description: "webhooks: create, change and delete webhooks, rotate their secrets and read and replay their deliveries (admin owners only)." },
  },
});

/** Scopes a role can make use of: a token asking for more would only mislead its owner. */
export function scopesUsableBy(role: Role): ApiScope[] {
  const scopes = [ApiScope.TICKETS_READ, ApiScope.TICKETS_WRITE];
  if (isStaff(role)) scopes.push(ApiScope.ISSUES_READ, ApiScope.ISSUES_WRITE);
  if (role === Role.ADMIN) scopes.push(ApiScope.ADMIN, ApiScope.WEBHOOKS);
  return scopes;
}

export function parseStoredScopes(stored: string): ApiScope[] {
  const known = new Set<string>(Object.values(ApiScope));
  return stored.split(" ").filter((s): s is ApiScope => known.has(s));
}
