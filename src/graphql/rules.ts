import { allow, deny, rule } from "graphql-shield";
import { isStaff as roleIsStaff, Role } from "../modules/users/user.role.js";
import type { Context } from "./context.js";
import { ForbiddenError, UnauthenticatedError } from "./errors.js";

/**
 * The rule primitives every module's `*.rules.ts` composes. Rules return our own coded errors,
 * so callers learn UNAUTHENTICATED (who are you?) apart from FORBIDDEN (not for you).
 */
const unauthenticated = (ctx: Context) => new UnauthenticatedError(ctx.authProblem ?? undefined);

export const isAuthenticated = rule({ cache: "contextual" })((_parent, _args, ctx: Context) => (ctx.viewer ? true : unauthenticated(ctx)));

export const isStaff = rule({ cache: "contextual" })((_parent, _args, ctx: Context) => {
  if (!ctx.viewer) return unauthenticated(ctx);
  return roleIsStaff(ctx.viewer.role) ? true : new ForbiddenError("Only agents and admins may do this.");
});

export const isAdmin = rule({ cache: "contextual" })((_parent, _args, ctx: Context) => {
  if (!ctx.viewer) return unauthenticated(ctx);
  return ctx.viewer.role === Role.ADMIN ? true : new ForbiddenError("Only admins may do this.");
});

export { allow, deny };
