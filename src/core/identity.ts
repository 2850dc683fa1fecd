/**
 * Who acts: the roles, the scopes a personal API token narrows them to, and the viewer a
 * request authenticated as. Plain values: the GraphQL enums are registered in the users and
 * api-tokens modules' types files.
 */
export enum Role {
  CUSTOMER = "CUSTOMER",
  AGENT = "AGENT",
  ADMIN = "ADMIN",
}

/** Roles that work the desk (see every ticket, internal notes, projects and issues). */
export const isStaff = (role: Role | undefined | null): boolean => role === Role.AGENT || role === Role.ADMIN;

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
  /** Manage webhooks (admin owners only): endpoints, secrets, deliveries. */
  WEBHOOKS = "webhooks",
}

/** Write implies read, as in GitHub's scopes; admin implies nothing else. */
const IMPLIED: Partial<Record<ApiScope, ApiScope[]>> = {
  [ApiScope.TICKETS_WRITE]: [ApiScope.TICKETS_READ],
  [ApiScope.ISSUES_WRITE]: [ApiScope.ISSUES_READ],
};

/** Whether a token with `granted` may use something that needs `needed`. */
export function scopeAllows(granted: readonly ApiScope[], needed: ApiScope): boolean {
  return granted.some((s) => s === needed || IMPLIED[s]?.includes(needed));
}

/** The authenticated caller, with the role read fresh from the database (not from the token). */
export interface Viewer {
  userId: string;
  role: Role;
  /** The session of a JWT; for an API token, `pat:<token id>` (it names no session). */
  sessionId: string;
  /** An API token's scopes; null or absent for JWT sessions, which only their role limits. */
  scopes?: readonly ApiScope[] | null;
  /** Set when the caller authenticated with a personal API token. */
  apiTokenId?: string;
}

/**
 * Why `viewer` may not use something that needs `scope`, or null. Sessions are never limited by
 * scopes. The one check behind the GraphQL scope rules and the plain-HTTP routes alike.
 */
export function missingScope(viewer: Pick<Viewer, "scopes"> | null, scope: ApiScope): string | null {
  return viewer?.scopes && !scopeAllows(viewer.scopes, scope) ? `This API token lacks the "${scope}" scope.` : null;
}
