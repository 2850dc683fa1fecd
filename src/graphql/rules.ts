import { allow, and, deny } from "graphql-shield";
import { ApiScope, scopeAllows } from "../modules/api-tokens/api-scope.js";
import { isStaff as roleIsStaff, Role } from "../modules/users/user.role.js";
import type { Context } from "./context.js";
import { ForbiddenError, UnauthenticatedError } from "../core/errors.js";
import { predicate, type ShieldRule } from "./rule-compiler.js";

/**
 * The rule primitives every module's `*.rules.ts` composes. Rules return our own coded errors,
 * so callers learn UNAUTHENTICATED (who are you?) apart from FORBIDDEN (not for you). They are
 * predicates (rule-compiler.ts): synchronous, so fields ruled by them alone skip shield's
 * asynchronous machinery.
 */
// A presented token that does not verify never gets this far: graphql-caller.ts answers it with a 401.
const unauthenticated = () => new UnauthenticatedError();

export const isAuthenticated = predicate("isAuthenticated", (_parent, _args, ctx: Context) => (ctx.viewer ? true : unauthenticated()));

export const isStaff = predicate("isStaff", (_parent, _args, ctx: Context) => {
  if (!ctx.viewer) return unauthenticated();
  return roleIsStaff(ctx.viewer.role) ? true : new ForbiddenError("Only agents and admins may do this.");
});

export const isAdmin = predicate("isAdmin", (_parent, _args, ctx: Context) => {
  if (!ctx.viewer) return unauthenticated();
  return ctx.viewer.role === Role.ADMIN ? true : new ForbiddenError("Only admins may do this.");
});

// Scope rules: API tokens (Viewer.scopes) may only use what their scopes name. They narrow and
// never widen: the field's own rule still checks the owner's role. Applied to every root field
// from the table in src/modules/api-tokens/api-scope.table.ts (see schema.ts).
const scopeRules = new Map<ApiScope, ShieldRule>();

/** Passes JWT sessions (their role alone limits them) and API tokens that carry `scope`. */
export function requireScope(scope: ApiScope) {
  let r = scopeRules.get(scope);
  if (!r) {
    r = predicate(`requireScope:${scope}`, (_parent, _args, ctx: Context) => {
      const scopes = ctx.viewer?.scopes;
      if (!scopes || scopeAllows(scopes, scope)) return true;
      return new ForbiddenError(`This API token lacks the "${scope}" scope.`);
    });
    scopeRules.set(scope, r);
  }
  return r;
}

/**
 * Admin-only fields below the root (another user's sign-in record). Root fields get their scope
 * from the table, but these are reached through any area (a ticket's requester, an issue's
 * reporter), so a narrow token of an admin must not read them: the role and, for API tokens,
 * the admin scope, exactly what `users` and `auditEvents` need.
 */
export const isAdminWithAdminScope = and(isAdmin, requireScope(ApiScope.ADMIN));

/** Passes everyone but API tokens: account, session and token management need a signed-in session. */
export const isNotApiToken = predicate("isNotApiToken", (_parent, _args, ctx: Context) =>
  ctx.viewer?.scopes ? new ForbiddenError("API tokens cannot do this: it needs a signed-in session.") : true,
);

export { allow, deny };
