import type { EntityManager } from "@mikro-orm/core";
import type { Clock } from "./clock.js";
import { UnauthenticatedError } from "./errors.js";
import type { Viewer } from "./identity.js";
import { Loaders } from "./loaders.js";

/** What we know of the request behind an operation (HTTP, or a job or command of our own). */
export interface RequestMeta {
  requestId: string;
  ip: string;
  userAgent: string | null;
  /** The resolved GraphQL operation's name, for the request log. */
  operationName?: string | null;
}

/**
 * Everything a service needs to know about the request it works for, built once per request and
 * passed first to every service method (Vendure's `ctx`): its own EntityManager fork (or the
 * transaction's, inside one), the caller, the request, the business clock and the request's
 * DataLoaders. It knows nothing of GraphQL or HTTP.
 */
export interface RequestScope {
  readonly em: EntityManager;
  readonly viewer: Viewer | null;
  readonly request: RequestMeta;
  readonly clock: Clock;
  readonly loaders: Loaders;
}

/** The caller, or UNAUTHENTICATED: for services behind rules that already let only signed-in callers through. */
export function requireViewer(scope: Pick<RequestScope, "viewer">): Viewer {
  if (!scope.viewer) throw new UnauthenticatedError();
  return scope.viewer;
}

export function createScope(args: { em: EntityManager; viewer: Viewer | null; request: RequestMeta; clock: Clock }): RequestScope {
  return { ...args, loaders: new Loaders(args.em) };
}

/** The same request, working through `em` (a transaction's EntityManager). */
export function withEntityManager<S extends RequestScope>(scope: S, em: EntityManager): S {
  return { ...scope, em };
}

/** A scope for work the server does on its own (start-up, jobs, commands): no caller, no client. */
export function systemScope(em: EntityManager, clock: Clock, requestId = "system"): RequestScope {
  return createScope({ em, viewer: null, request: { requestId, ip: "local", userAgent: null }, clock });
}
