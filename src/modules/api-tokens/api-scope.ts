import { registerEnumType } from "type-graphql";
import { isStaff, Role } from "../users/user.role.js";

/**
 * What a personal API token may be used for. Scopes only narrow: a token can never do more
 * than its owner's role allows, and the role is read fresh on every request.
 */
export enum ApiScope {
  TICKETS_READ = "tickets:read",
  TICKETS_WRITE = "tickets:write",
  ISSUES_READ = "issues:read",
  ISSUES_WRITE = "issues:write",
  ADMIN = "admin",
}

registerEnumType(ApiScope, {
  name: "ApiScope",
  description: "What a personal API token may be used for (tickets:read, tickets:write, issues:read, issues:write, admin). Scopes narrow the owner's role; they never widen it.",
  valuesConfig: {
    TICKETS_READ: { description: "tickets:read: read tickets and their comments that the owner can see." },
    TICKETS_WRITE: { description: "tickets:write: open, update, assign and transition tickets and comment on them (includes tickets:read)." },
    ISSUES_READ: { description: "issues:read: read projects and issues (staff owners only)." },
    ISSUES_WRITE: { description: "issues:write: create and change projects and issues (includes issues:read; staff owners only)." },
    ADMIN: { description: "admin: user administration, the audit trail, the outbox and the security dashboard (admin owners only)." },
  },
});

/** Write implies read, as in GitHub's scopes; admin implies nothing else. */
const IMPLIED: Partial<Record<ApiScope, ApiScope[]>> = {
  [ApiScope.TICKETS_WRITE]: [ApiScope.TICKETS_READ],
  [ApiScope.ISSUES_WRITE]: [ApiScope.ISSUES_READ],
};

/** Whether a token with `granted` may use something that needs `needed`. */
export function scopeAllows(granted: readonly ApiScope[], needed: ApiScope): boolean {
  return granted.some((s) => s === needed || IMPLIED[s]?.includes(needed));
}

/** Scopes a role can make use of: a token asking for more would only mislead its owner. */
export function scopesUsableBy(role: Role): ApiScope[] {
  const scopes = [ApiScope.TICKETS_READ, ApiScope.TICKETS_WRITE];
  if (isStaff(role)) scopes.push(ApiScope.ISSUES_READ, ApiScope.ISSUES_WRITE);
  if (role === Role.ADMIN) scopes.push(ApiScope.ADMIN);
  return scopes;
}

export function parseStoredScopes(stored: string): ApiScope[] {
  const known = new Set<string>(Object.values(ApiScope));
  return stored.split(" ").filter((s): s is ApiScope => known.has(s));
}

/**
 * Why the caller may not do something that needs `scope`, or null: sessions are never limited
 * by scopes. For routes outside GraphQL (the CSV export), which graphql-shield does not cover.
 */
export function missingScope(viewer: { scopes?: readonly ApiScope[] | null }, scope: ApiScope): string | null {
  return viewer.scopes && !scopeAllows(viewer.scopes, scope) ? `This API token lacks the "${scope}" scope.` : null;
}
