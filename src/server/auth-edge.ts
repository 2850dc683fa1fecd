import type { EntityManager } from "@mikro-orm/core";
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import { UnauthenticatedError } from "../core/errors.js";
import type { Viewer } from "../core/identity.js";
import { createScope, type RequestScope } from "../core/scope.js";
import type { Services } from "../services.js";
import { sendError } from "./error-envelope.js";
import { requestMeta } from "./request-meta.js";
import { authenticate, INVALID_TOKEN_CHALLENGE } from "./viewer.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The caller on a route that declares `config.auth` (null: anonymous), settled by the auth edge. */
    viewer: Viewer | null;
  }
  interface FastifyContextConfig {
    /**
     * Who may call the route: "optional" lets anonymous callers through, "required" answers them
     * 401. A presented token that does not verify is answered 401 either way.
     */
    auth?: "optional" | "required";
  }
}

export interface AuthEdge {
  /** The request's own EntityManager: the one authentication read the session or API token with. */
  entityManager(request: FastifyRequest): EntityManager;
  /** The request scope of a route behind the edge. */
  scope(request: FastifyRequest): RequestScope;
  /** Whether the request presented a credential that was refused (it names no caller, hence no budget). */
  refused(request: FastifyRequest): boolean;
}

/**
 * The one place requests are authenticated, for every route that declares `config: { auth }`
 * (/graphql, the CSV export, and whatever comes next: uploads, websockets). It runs as the
 * route's last onRequest hook, before the body is even read:
 *
 * - A presented token that does not verify (malformed, forged, expired, of an ended session, a
 *   revoked or expired API token) ends the request: HTTP 401, `WWW-Authenticate`, and one
 *   UNAUTHENTICATED error. It is never downgraded to an anonymous caller, which hid the problem,
 *   and it is answered before any budget is charged, so the client learns that its token is the
 *   problem (the web client then refreshes it), not RATE_LIMITED.
 * - Routes then read `request.viewer`, or `edge.scope(request)` to call services.
 *
 * Registered before the routes (it hooks their registration).
 */
export function registerAuthEdge(app: FastifyInstance, services: Services): AuthEdge {
  const entityManagers = new WeakMap<FastifyRequest, EntityManager>();
  const refused = new WeakSet<FastifyRequest>();

  const refuse = (request: FastifyRequest, reply: FastifyReply, problem: string | null) => {
    // RFC 6750 §3.1: a bare challenge when no credential came, invalid_token when one was refused.
    reply.header("www-authenticate", problem ? INVALID_TOKEN_CHALLENGE : "Bearer");
    return sendError(request, reply, problem ? new UnauthenticatedError(problem) : new UnauthenticatedError());
  };

  const authenticateWith = (required: boolean): onRequestHookHandler =>
    async function authEdge(request, reply) {
      const { authorization } = request.headers;
      if (!authorization) return required ? refuse(request, reply, null) : undefined;
      const em = services.orm.em.fork();
      const auth = await authenticate(services, em, authorization, request.ip);
      if (auth.problem) {
        refused.add(request);
        return refuse(request, reply, auth.problem); // returning the reply ends the request here
      }
      request.viewer = auth.viewer;
      entityManagers.set(request, em);
    };
  const optional = authenticateWith(false);
  const required = authenticateWith(true);

  app.decorateRequest("viewer", null);
  app.addHook("onRoute", (route) => {
    const auth = route.config?.auth;
    if (!auth) return;
    const hook = auth === "required" ? required : optional;
    const own = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    // A GET's HEAD twin is registered with the GET's hooks, this one among them.
    if (!own.includes(hook)) route.onRequest = [...own, hook];
  });

  /**
   * Taken once per request (its route builds one scope): the map lets it go then, so the
   * EntityManager's lifetime is the scope's. Held until the request object itself was collected,
   * every request's EntityManager, identity maps and unit of work outlived V8's young-generation
   * collections and became old-generation garbage (an allocation profile of Q2 in bench/).
   */
  const entityManager = (request: FastifyRequest) => {
    const em = entityManagers.get(request);
    if (!em) return services.orm.em.fork();
    entityManagers.delete(request);
    return em;
  };
  return {
    entityManager,
    scope: (request) => createScope({ em: entityManager(request), viewer: request.viewer, request: requestMeta(request), clock: services.clock }),
    refused: (request) => refused.has(request),
  };
}
