import cookie from "@fastify/cookie";
import compress from "@fastify/compress";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { Services } from "../services.js";
import { registerAttachmentRoutes } from "./attachment.routes.js";
import { registerAuthEdge } from "./auth-edge.js";
import { drainBody } from "./body-limit.js";
import { httpErrorOf, sendError } from "./error-envelope.js";
import { registerGraphql } from "./graphql-route.js";
import { Drain } from "./drain.js";
import { registerHealthRoutes, type Lifecycle } from "./health.js";
import { DatabaseOutage, registerOutage } from "./outage.js";
import { registerRefreshRoutes } from "./refresh-cookie.js";
import { registerOidcRoutes } from "./oidc.routes.js";
import { operationNameOf } from "./request-meta.js";
import { registerSecurity } from "./security.js";
import { currentStatementCount, withStatementCount } from "../db/statement-counter.js";
import { registerStaticClient } from "./static-client.js";
import { newRequestId } from "./request-id.js";
import type { Observability } from "./observability/observability.js";
import { registerTicketExportRoute } from "./ticket-export.route.js";
import { registerWebsockets } from "./websocket.js";
import type { ServerTuning } from "./tuning.js";

export interface AppOptions {
  services: Services;
  schema: GraphQLSchema;
  logger: Logger;
  tls: { key: Buffer; cert: Buffer };
  lifecycle: Lifecycle;
  tuning?: ServerTuning;
  /** Metrics and traces (observability/observability.ts); none: both off. */
  observability?: Observability;
}

/** How often unfinished requests are checked against their deadline: they are cut within this much of it. */
const CONNECTIONS_CHECKING_INTERVAL_MS = 500;

/** The HTTPS application: security, GraphQL, auth cookie routes, health, the web client. */
export async function buildApp({ services, schema, logger, tls, lifecycle, tuning = {}, observability }: AppOptions): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    https: {
      key: tls.key,
      cert: tls.cert,
      minVersion: "TLSv1.2",
      // Node's http options, which Fastify only passes to https.createServer through here. Node
      // cuts a request whose headers or body are unfinished only when a timer of period
      // connectionsCheckingInterval (default 30 s) finds it, and its headersTimeout defaults
      // separately (60 s): a request trickled in could outlive REQUEST_TIMEOUT_MS by half a minute.
      requestTimeout: config.http.requestTimeoutMs,
      headersTimeout: config.http.requestTimeoutMs,
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
      // A TLS handshake that never finishes is cut with the headers' deadline, not Node's 120 s.
      handshakeTimeout: config.http.requestTimeoutMs,
    },
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request, written below with what we care about, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: observability?.requestId ?? newRequestId,
    // A hop count trusts that many proxies next to us, as proxy-addr (Fastify's) counts hops.
    trustProxy: typeof config.trustProxy === "number" ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: config.http.bodyLimitBytes,
    requestTimeout: config.http.requestTimeoutMs,
    connectionTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: 5_000,
    return503OnClosing: true,
    forceCloseConnections: "idle",
  });

  // Shutdown (drain.ts) and database outages (outage.ts) answer before anything else runs.
  app.decorate("drain", new Drain(app, lifecycle));
  registerOutage(app, new DatabaseOutage(services.orm, logger, config.databaseLimits.retryAfterSeconds));

  // Every request counts its SQL statements (see statement-counter.ts).
  app.addHook("onRequest", (_request, reply, done) => {
    reply.header("x-request-id", String(_request.id));
    withStatementCount(done);
  });
  observability?.register(app); // the request's span (its context holds from here on) and the metrics' hooks
  app.addHook("onResponse", async (request, reply) => {
    const body = request.body as { operationName?: unknown } | undefined;
    const operation = operationNameOf(request) ?? (typeof body?.operationName === "string" ? body.operationName : undefined);
    request.log.info(
      {
        requestId: request.id,
        method: request.method,
        url: request.url.split("?")[0],
        operation: operation?.slice(0, 100),
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        sqlStatements: currentStatementCount(),
      },
      "request",
    );
  });
  // Tests compare these counts across page sizes (EXPOSE_SQL_STATEMENT_COUNT; on by default under NODE_ENV=test).
  if (config.exposeStatementCount) {
    app.addHook("onSend", async (_request, reply, payload) => {
      reply.header("x-sql-statements", String(currentStatementCount() ?? 0));
      return payload;
    });
  }

  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    // A body over the limit: read the rest before answering, so the client gets to read the 413 (body-limit.ts).
    if (error.statusCode === 413) await drainBody(request);
    return sendError(request, reply, httpErrorOf(error, config.http.bodyLimitBytes));
  });

  await registerSecurity(app, config);
  await app.register(compress, { global: true, threshold: 1024, encodings: ["br", "gzip", "deflate"] });
  await app.register(cookie);
  const edge = registerAuthEdge(app, services); // before the routes it authenticates
  registerHealthRoutes(app, services, lifecycle);
  registerRefreshRoutes(app, services);
  registerOidcRoutes(app, services);
  const subscriptions = await registerWebsockets(app, { services, schema, logger }); // before the route that upgrades
  await registerGraphql(app, { services, schema, logger, edge, tuning, subscriptions, observability });
  tuning.routes?.(app);
  registerTicketExportRoute(app, { services, schema, edge });
  await registerAttachmentRoutes(app, { services, edge });
  await registerStaticClient(app, config.clientDir);
  return app;
}

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
