import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { HttpBinding } from "../graphql/context.js";
import { AppError } from "../core/errors.js";
import type { Services } from "../services.js";
import { requestMeta } from "./request-meta.js";

export const REFRESH_COOKIE = "deskql_refresh";
const COOKIE_PATH = "/auth";

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

function sendError(reply: FastifyReply, status: number, error: { code: string; message: string; [k: string]: unknown }) {
  return reply.code(status).send({ error });
}

export function registerRefreshRoutes(app: FastifyInstance, services: Services): void {
  // JSON bodies only: a cross-site form cannot send application/json without a CORS preflight.
  const jsonOnly = { schema: { body: { type: "object", additionalProperties: false, properties: {} } } };

  app.post("/auth/refresh", jsonOnly, async (request, reply) => {
    const token = request.cookies[REFRESH_COOKIE];
    if (!token) return sendError(reply, 401, { code: "UNAUTHENTICATED", message: "No session cookie: sign in." });
    const em = services.orm.em.fork();
    try {
      const tokens = await services.sessions.refresh(em, token, requestMeta(request), services.clock.now());
      reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, { httpOnly: true, secure: true, sameSite: "strict", path: COOKIE_PATH, expires: tokens.session.expiresAt });
      const { id, email, displayName, role } = tokens.user;
      return { accessToken: tokens.accessToken, expiresIn: tokens.expiresIn, user: { id, email, displayName, role } };
    } catch (error) {
      reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
      if (error instanceof AppError) return sendError(reply, 401, { ...error.extensions, message: error.message });
      throw error;
    }
  });

  app.post("/auth/logout", jsonOnly, async (request, reply) => {
    const token = request.cookies[REFRESH_COOKIE];
    if (token) await services.auth.logout(services.orm.em.fork(), requestMeta(request), null, token);
    reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
    return { ok: true };
  });
}
