import { timingSafeEqual, createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { UnauthenticatedError } from "../../core/errors.js";
import { sendError } from "../error-envelope.js";
import type { ServerMetrics } from "./metrics.registry.js";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Whether the request carries `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). */
function bearerMatches(authorization: string | string[] | undefined, token: string): boolean {
  if (typeof authorization !== "string" || !authorization.startsWith("Bearer ")) return false;
  return timingSafeEqual(digest(authorization.slice("Bearer ".length).trim()), digest(token));
}

/**
 * GET /metrics on the main (public) port, only with METRICS_TOKEN set and only for a request
 * bearing it: the numbers tell an outsider how busy the desk is and how sign-ins fare. Outside
 * the auth edge: the token is not a user's.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: ServerMetrics, token: string): void {
  app.get("/metrics", async (request, reply) => {
    if (!bearerMatches(request.headers.authorization, token)) {
      reply.header("www-authenticate", 'Bearer realm="metrics"');
      return sendError(request, reply, new UnauthenticatedError("Send the metrics token (METRICS_TOKEN) as a Bearer token."));
    }
    reply.header("cache-control", "no-store").type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

/**
 * The metrics listener on METRICS_PORT: plain HTTP, on METRICS_HOST (loopback by default, so a
 * Prometheus on the same host or a sidecar scrapes it; a pod's own IP for one in the cluster).
 * With METRICS_TOKEN set, it asks for the token too.
 */
export async function startMetricsListener(metrics: ServerMetrics, { host, port, token }: { host: string; port: number; token?: string }): Promise<{ server: Server; url: string }> {
  const server = createServer((request: IncomingMessage, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" || path !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not found: the metrics are at /metrics\n");
      return;
    }
    if (token && !bearerMatches(request.headers.authorization, token)) {
      response.writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Bearer realm="metrics"' }).end("Send the metrics token (METRICS_TOKEN) as a Bearer token.\n");
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" }).end(text),
      () => response.writeHead(500, { "content-type": "text/plain" }).end("Could not collect the metrics.\n"),
    );
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { server, url: `http://${shownHost}:${address.port}/metrics` };
}
