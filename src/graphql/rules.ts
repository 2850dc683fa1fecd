import { allow, and, deny } from "graphql-shield";
import { ForbiddenError, UnauthenticatedError } from "../core/errors.js";
import { ApiScope, isStaff as roleIsStaff, missingScope, Role } from "../core/identity.js";
import type { Context } from "./context.js";
import { predicate, type ShieldRule } from "./rule-compiler.js";

/**
 * The rule primitives every module's `*.rules.ts` composes. Rules return our own coded errors,
 * so callers learn UNAUTHENTICATED (who are you?) apart from FORBIDDEN (not for you). They are
 * predicates (rule-compiler.ts): synchronous, so fields ruled by them alone skip shield's
 * asynchronous machinery.
 */
// A presented token that does not verify never gets this far: server/auth-edge.ts answers it with a 401.
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
// never widen: the field's own rule still checks the owner's role. Every root field gets the one
// its rootField() declaration names (root-fields.ts).
const scopeRules = new Map<ApiScope, ShieldRule>();

/**
 * Passes JWT sessions (their role alone limits them) and API tokens that carry `scope`. The same
 * check (`missingScope`) as the plain-HTTP routes', so one function decides.
 */
export function requireScope(scope: ApiScope) {
  let r = scopeRules.get(scope);
  if (!r) {
    r = predicate(`requireScope:${scope}`, (_parent, _args, ctx: Context) => {
      const lacking = missingScope(ctx.viewer, scope);
      return lacking ? new ForbiddenError(lacking) : true;
    });
    scopeRules.set(scope, r);
  }
  return r;
}

/**
 * Admin-only fields below the root (another user's sign-in record). Root fields get their scope
 * from their declaration, but these are reached through any area (a ticket's requester, an issue's
 * reporter), so a narrow token of an admin must not read them: the role and, for API tokens,
 * the admin scope, exactly what `users` and `auditEvents` need.
 */
export const isAdminWithAdminScope = and(isAdmin, requireScope(ApiScope.ADMIN));

/** Passes everyone but API tokens: account, session and token management need a signed-in session. */
export const isNotApiToken = predicate("isNotApiToken", (_parent, _args, ctx: Context) =>
  ctx.viewer?.scopes ? new ForbiddenError("API tokens cannot do this: it needs a signed-in session.") : true,
);

export { allow, deny };
