import type { HttpBinding } from "../core/http-binding.js";
import { createScope, type RequestMeta, type RequestScope } from "../core/scope.js";
import type { Viewer } from "../core/identity.js";
import type { EntityManager } from "@mikro-orm/core";
import type { Role } from "../core/identity.js";
import type { RateLimitStatus } from "../modules/rate-limit/query-budget.js";
import type { Services } from "../services.js";

export type { HttpBinding } from "../core/http-binding.js";
export type { RequestMeta } from "../core/scope.js";
export type { Viewer } from "../core/identity.js";

/**
 * A GraphQL operation's context: its request scope (core/scope.ts: `em`, `viewer`, `request`,
 * `clock`, `loaders`), which resolvers hand to services as it is, plus what only the GraphQL
 * layer uses.
 */
export interface Context extends RequestScope {
  services: Services;
  /** Absent when operations run outside HTTP (tests, scripts). */
  http?: HttpBinding;
  /** The user a sign-in mutation in this request just authenticated (they may read their own payload). */
  signedInUserId?: string;
  /** Estimated cost of the operation (limits.ts), once validated. */
  queryCost?: number;
  /** The caller's query budget after this operation was charged (rate-limit.plugin.ts). */
  rateLimit?: RateLimitStatus;
  /** The viewer's role, or null for anonymous callers. */
  readonly role: Role | null;
}

export function createContext(args: { request: RequestMeta; viewer: Viewer | null; em: EntityManager; services: Services; http?: HttpBinding }): Context {
  const scope = createScope({ em: args.em, viewer: args.viewer, request: args.request, clock: args.services.clock });
  return { ...scope, services: args.services, http: args.http, role: args.viewer?.role ?? null };
}
