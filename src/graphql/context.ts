import type { EntityManager } from "@mikro-orm/core";
import type { ApiScope } from "../modules/api-tokens/api-scope.js";
import type { RateLimitStatus } from "../modules/rate-limit/query-budget.js";
import type { Role } from "../modules/users/user.role.js";
import type { Services } from "../services.js";
import { Loaders } from "../core/loaders.js";

/** What we know of the HTTP request behind an operation. */
export interface RequestMeta {
  requestId: string;
  ip: string;
  userAgent: string | null;
  /** The resolved GraphQL operation's name, for the request log (set by requestLogPlugin). */
  operationName?: string | null;
}

/** The authenticated caller, with the role read fresh from the database (not from the token). */
export interface Viewer {
  userId: string;
  role: Role;
  /** The session of a JWT; for an API token, `pat:<token id>` (it names no session). */
  sessionId: string;
  /** An API token's scopes (rules.ts `requireScope`); null or absent for JWT sessions, which only their role limits. */
  scopes?: readonly ApiScope[] | null;
  /** Set when the caller authenticated with a personal API token. */
  apiTokenId?: string;
}

/** The HTTP response around a GraphQL operation, for the browser client's refresh cookie. */
export interface HttpBinding {
  /** Sets the refresh cookie when the client asked for cookie delivery; true when it did. */
  useRefreshCookie(refreshToken: string, expiresAt: Date): boolean;
  refreshCookie(): string | undefined;
  clearRefreshCookie(): void;
}

/**
 * Built once per request. `em` is this request's own EntityManager fork (its identity map dies
 * with the request); `loaders` batches every relation lookup made while resolving.
 */
export interface Context {
  request: RequestMeta;
  viewer: Viewer | null;
  em: EntityManager;
  services: Services;
  loaders: Loaders;
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

export function createContext(args: {
  request: RequestMeta;
  viewer: Viewer | null;
  em: EntityManager;
  services: Services;
  http?: HttpBinding;
}): Context {
  return { ...args, loaders: new Loaders(args.em), role: args.viewer?.role ?? null };
}
