import { or } from "graphql-shield";
import { ApiScope } from "../../core/identity.js";
import type { Context } from "../../graphql/context.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { predicate } from "../../graphql/rule-compiler.js";
import { allow, isAdmin, isAdminWithAdminScope, isStaff } from "../../graphql/rules.js";
import type { User } from "./user.entity.js";

/**
 * The user object is the viewer's own account, or the one a sign-in in this request returns
 * (whatever token the request also carried: a client switching accounts may still send the old one).
 * A predicate, not a cached shield rule: shield's "strict" cache key, an object-hash of the whole
 * User entity, cost Q1 (50 requesters' emails) about a fifth of its CPU time.
 */
const isSelf = predicate("isSelf", (user: User, _args, ctx: Context) => ctx.viewer?.userId === user.id || ctx.signedInUserId === user.id);

/** User administration: admins, and of API tokens those with the admin scope. */
const administration = rootField({ rule: isAdmin, scope: ApiScope.ADMIN });

export const userRules: ModuleRules = {
  Query: {
    me: rootField({ rule: allow, scope: "any" }), // null for anonymous callers
    users: administration,
    user: administration,
  },
  Mutation: { setUserRole: administration, unlockUser: administration, deactivateUser: administration, reactivateUser: administration },
  User: {
    "*": allow, // id, name, role and timestamps: anyone who can reach a user (e.g. as a ticket's agent) sees them
    // Customers never see other people's emails. Staff see them (and deactivatedAt) wherever they
    // meet a user, whatever area a token's scope opens: the CSV export has them with tickets:read.
    email: or(isSelf, isStaff),
    // Another user's sign-in record is user administration: an admin's API token needs the admin scope.
    lastLoginAt: or(isSelf, isAdminWithAdminScope),
    lockedUntil: or(isSelf, isAdminWithAdminScope),
    locked: or(isSelf, isAdminWithAdminScope),
    failedLoginCount: isAdminWithAdminScope,
    deactivatedAt: or(isSelf, isStaff),
  },
  UserConnection: { "*": allow },
  UserEdge: { "*": allow },
  PageInfo: { "*": allow },
};
