import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppConfig } from "../config.js";

// Apollo Sandbox (GET /graphql in a browser) is a page that loads from Apollo's CDN and embeds
// their Sandbox in an iframe; only that route's CSP allows those origins.
const SANDBOX_CSP = {
  "default-src": ["'self'"],
  "script-src": ["'self'", "'unsafe-inline'", "https://embeddable-sandbox.cdn.apollographql.com"],
  "style-src": ["'self'", "'unsafe-inline'", "https://fonts.googleapis.com"],
  "font-src": ["'self'", "https://fonts.gstatic.com"],
  "img-src": ["'self'", "data:", "https://apollo-server-landing-page.cdn.apollographql.com"],
  "frame-src": ["https://sandbox.embed.apollographql.com"],
  "connect-src": ["'self'", "https://*.apollographql.com"],
  "manifest-src": ["'self'", "https://apollo-server-landing-page.cdn.apollographql.com"],
  "frame-ancestors": ["'none'"],
  "base-uri": ["'self'"],
  "form-action": ["'self'"],
  "object-src": ["'none'"],
};

/** The web client's CSP: its own origin only; no inline scripts. */
const APP_CSP = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "style-src": ["'self'", "'unsafe-inline'"], // Svelte's scoped styles may be injected at runtime
  "img-src": ["'self'", "data:", "blob:", "https:"], // blob: attachments the client fetched with its token
  "connect-src": ["'self'"],
  "font-src": ["'self'"],
  "frame-ancestors": ["'none'"],
  "base-uri": ["'self'"],
  "form-action": ["'self'"],
  "object-src": ["'none'"],
};

const HELMET: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: APP_CSP },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  frameguard: { action: "deny" },
  crossOriginEmbedderPolicy: false,
  crossOriginResourcePolicy: { policy: "same-origin" },
  referrerPolicy: { policy: "no-referrer" },
};

/**
 * helmet's headers, computed once. They depend only on the options (no nonces), and
 * @fastify/helmet rebuilt helmet's middleware, CSP parsing included, on every request.
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => {});
  return headers;
}

/** Security headers on every response (HSTS, nosniff, frame denial, CSP) and the CORS allow-list. */
export async function registerSecurity(app: FastifyInstance, config: AppConfig): Promise<void> {
  const securityHeaders = helmetHeaders(HELMET);
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });
  app.addHook("onSend", async (request, reply) => {
    if (request.method === "GET" && request.url.startsWith("/graphql") && String(reply.getHeader("content-type") ?? "").startsWith("text/html")) {
      reply.header(
        "content-security-policy",
        Object.entries(SANDBOX_CSP)
          .map(([k, v]) => `${k} ${v.join(" ")}`)
          .join("; "),
      );
    }
  });
  await app.register(cors, {
    // Same-origin needs no CORS; other origins only when listed (CORS_ORIGINS).
    origin: config.http.corsOrigins.length ? config.http.corsOrigins : false,
    credentials: true,
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: ["content-type", "authorization", "apollo-require-preflight", "x-apollo-operation-name", "x-refresh-cookie", "x-file-name", "idempotency-key"],
    exposedHeaders: ["x-request-id", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after", "www-authenticate", "idempotent-replayed"],
    maxAge: 600,
  });
}
