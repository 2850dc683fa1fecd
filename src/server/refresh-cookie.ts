import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { HttpBinding } from "../core/http-binding.js";
import { AppError, ServiceUnavailableError, UnauthenticatedError } from "../core/errors.js";
import { createScope } from "../core/scope.js";
import type { Services } from "../services.js";
import { sendError } from "./error-envelope.js";
import { requestMeta } from "./request-meta.js";

export const REFRESH_COOKIE = "deskql_refresh";
export const COOKIE_PATH = "/auth";

/**
 * The browser client's refresh flow. Its refresh token lives in an HttpOnly, Secure,
 * SameSite=Strict cookie scoped to /auth, so page scripts can never read it; integrators use
 * the token-in-body `refreshToken` mutation instead. A client opts in to the cookie by sending
 * `X-Refresh-Cookie: 1` with `login`/`register`.
 */
export function httpBinding(request: FastifyRequest, reply: FastifyReply): HttpBinding {
  return {
    useRefreshCookie(token, expiresAt) {
      if (request.headers["x-refresh-cookie"] !== "1") return false;
      reply.setCookie(REFRESH_COOKIE, token, { httpOnly: true, secure: true, sameSite: "strict", path: COOKIE_PATH, expires: expiresAt });
      return true;
    },
    refreshCookie: () => request.cookies[REFRESH_COOKIE],
    clearRefreshCookie() {
      if (request.cookies[REFRESH_COOKIE]) reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH, secure: true, httpOnly: true, sameSite: "strict" });
    },
  };
}

export function registerRefreshRoutes(app: FastifyInstance, services: Services): void {
  // JSON bodies only: a cross-site form cannot send application/json without a CORS preflight.
  const jsonOnly = { schema: { body: { type: "object", additionalProperties: false, properties: {} } } };

  app.post("/auth/refresh", jsonOnly, async (request, reply) => {
    const token = request.cookies[REFRESH_COOKIE];
    if (!token) return sendError(request, reply, new UnauthenticatedError("No session cookie: sign in."));
    const scope = createScope({ em: services.orm.em.fork(), viewer: null, request: requestMeta(request), clock: services.clock });
    try {
      const tokens = await services.sessions.refresh(scope, token);
      reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, { httpOnly: true, secure: true, sameSite: "strict", path: COOKIE_PATH, expires: tokens.session.expiresAt });
      const { id, email, displayName, role } = tokens.user;
      return { accessToken: tokens.accessToken, expiresIn: tokens.expiresIn, user: { id, email, displayName, role } };
    } catch (error) {
      // Not a refusal (the database unreachable, a deadline): the token was not spent, the cookie stays for a retry.
      if (!(error instanceof AppError) || error instanceof ServiceUnavailableError) throw error;
      reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
      // Whatever the refusal, the cookie is spent and the client must sign in again: 401.
      if (error instanceof AppError) return sendError(request, reply, new AppError(error.code, error.message, { extensions: error.extensions, status: 401 }));
      throw error;
    }
  });

  app.post("/auth/logout", jsonOnly, async (request, reply) => {
    const token = request.cookies[REFRESH_COOKIE];
    if (token) await services.auth.logout(createScope({ em: services.orm.em.fork(), viewer: null, request: requestMeta(request), clock: services.clock }), token);
    reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
    return { ok: true };
  });
}
