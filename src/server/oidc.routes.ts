import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../core/errors.js";
import { createScope } from "../core/scope.js";
import { SsoSignInError } from "../modules/sso/sso.service.js";
import type { Services } from "../services.js";
import { requestMeta } from "./request-meta.js";
import { COOKIE_PATH, REFRESH_COOKIE } from "./refresh-cookie.js";

/** The browser's binding to its sign-in attempt (sso-login-attempt.entity.ts). */
const ATTEMPT_COOKIE = "deskql_oidc";
const ATTEMPT_COOKIE_PATH = "/auth/oidc";

/**
 * Single sign-on's two browser legs (modules/sso): GET /auth/oidc/:provider/start sends the
 * browser to the identity provider; GET /auth/oidc/:provider/callback takes its answer, opens a
 * session (the refresh cookie, as a password sign-in with X-Refresh-Cookie gets) and sends the
 * browser to the client, which picks up its access token with /auth/refresh. Every refusal
 * (the provider's error, a bad state or nonce, an unverified email, a disallowed domain) sends
 * the browser back to the sign-in page with a coded reason: never a stack trace or an error page.
 */
export function registerOidcRoutes(app: FastifyInstance, services: Services): void {
  const client = (hash: string) => `${services.config.publicUrl.replace(/\/$/, "")}/#${hash}`;
  const scopeOf = (request: FastifyRequest) => createScope({ em: services.orm.em.fork(), viewer: null, request: requestMeta(request), clock: services.clock });
  const refuse = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    const reason = error instanceof SsoSignInError ? error.reason : error instanceof AppError && error.code === "RATE_LIMITED" ? "RATE_LIMITED" : "SSO_FAILED";
    if (!(error instanceof AppError)) request.log.error({ err: error, requestId: request.id }, "single sign-on failed");
    return reply.header("cache-control", "no-store").redirect(client(`/signin?sso_error=${reason}`), 302);
  };

  app.get<{ Params: { provider: string } }>("/auth/oidc/:provider/start", async (request, reply) => {
    try {
      const { location, browserKey } = await services.sso.start(scopeOf(request), request.params.provider);
      // Lax, not Strict: the provider's redirect back is a cross-site navigation, which must carry it.
      reply.setCookie(ATTEMPT_COOKIE, browserKey, { httpOnly: true, secure: true, sameSite: "lax", path: ATTEMPT_COOKIE_PATH, maxAge: 600 });
      return reply.header("cache-control", "no-store").redirect(location, 302);
    } catch (error) {
      return refuse(request, reply, error);
    }
  });

  app.get<{ Params: { provider: string } }>("/auth/oidc/:provider/callback", async (request, reply) => {
    const browserKey = request.cookies[ATTEMPT_COOKIE];
    reply.clearCookie(ATTEMPT_COOKIE, { path: ATTEMPT_COOKIE_PATH, secure: true, httpOnly: true, sameSite: "lax" });
    const query = request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "";
    try {
      const tokens = await services.sso.complete(scopeOf(request), request.params.provider, browserKey, query);
      reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, { httpOnly: true, secure: true, sameSite: "strict", path: COOKIE_PATH, expires: tokens.session.expiresAt });
      return reply.header("cache-control", "no-store").redirect(client("/sso-complete"), 302);
    } catch (error) {
      return refuse(request, reply, error);
    }
  });
}
