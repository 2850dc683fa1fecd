import "reflect-metadata";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { AppConfig } from "../config.js";
import { initOrm, type Orm } from "../db/orm.js";
import { abortTransaction } from "../db/session-limits.js";
import { withStartupLock } from "../db/startup-lock.js";
import { buildExecutableSchema } from "../graphql/schema.js";
import { SigningKeys } from "../modules/auth/signing-keys.js";
import { systemScope } from "../core/scope.js";
import { ensureFirstAdmin, type FirstAdmin } from "../modules/auth/first-admin.js";
import { createServices, startServices, stopServices, type Services } from "../services.js";
import { buildApp } from "./app.js";
import { Observability } from "./observability/observability.js";
import type { DrainReport } from "./drain.js";
import type { Lifecycle } from "./health.js";
import { limitHeapGrowth } from "./heap-growth.js";
import { createLogger } from "./logger.js";
import { countStatements } from "../db/statement-counter.js";
import { loadTlsCredentials } from "./tls.js";
import type { ServerTuning } from "./tuning.js";

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  port: number;
  orm: Orm;
  services: Services;
  /** Metrics and traces: `metricsUrl` is the METRICS_PORT listener's, `flush()` exports the spans so far. */
  observability: Observability;
  logger: Logger;
  firstAdmin: FirstAdmin | null;
  tlsGenerated: boolean;
  /** Graceful stop: readiness fails, in-flight requests finish (within SHUTDOWN_GRACE_MS), then the pool closes. */
  close(): Promise<DrainReport>;
}

/**
 * config -> TLS -> database (migrated) -> keys -> services -> schema -> HTTPS listener.
 * `tuning` is the benchmark's (bench/server-child.ts); production passes none.
 */
export async function startServer(config: AppConfig, options: { logger?: Logger; tuning?: ServerTuning } = {}): Promise<RunningServer> {
  const tuning = options.tuning ?? {};
  const logger = options.logger ?? createLogger(config);
  limitHeapGrowth(config.heapGrowthPercent);
  const tls = await loadTlsCredentials(config.tls);
  // Keys before the database: a missing key is a settings problem to report before migrating anything.
  const keys = await SigningKeys.open(config.jwt.keysDir, { allowGenerate: config.jwt.allowGeneratedKeys });
  // Replicas started together migrate once, under a lock; with MIGRATE_ON_START=false a Job migrates.
  const orm = await initOrm(config, {
    migrations: config.migrations.onStart ? "apply" : "await",
    onWaiting: (pending) => logger.warn({ pending, waitSeconds: config.migrations.waitSeconds }, "waiting for the migration step to apply the pending migrations (MIGRATE_ON_START=false)"),
  });
  countStatements(orm);
  const services = createServices(config, orm, keys, { caches: tuning.caches });
  // A write transaction open past its deadline is rolled back and answered 503 (db/session-limits.ts).
  services.events.deadline = { timeoutMs: config.databaseLimits.transactionTimeoutMs, retryAfterSeconds: config.databaseLimits.retryAfterSeconds, abort: abortTransaction };
  startServices(services, logger); // mail worker (delivers what a previous run left) and key reloads
  // Under the startup lock: of replicas started together, one creates the admin (and prints its password).
  const firstAdmin = await withStartupLock(config.database, config.migrations.waitSeconds, () =>
    ensureFirstAdmin(systemScope(orm.em.fork(), services.clock, "first-admin"), services.events, config, services.hasher),
  );
  const observability = await Observability.start(config, services, logger); // metrics and traces, when configured
  const schema = observability.instrumentSchema(await (tuning.schema ?? buildExecutableSchema)());
  const lifecycle: Lifecycle = { shuttingDown: false };
  const app = await buildApp({ services, schema, logger, tls, lifecycle, tuning, observability });
  await app.listen({ host: config.host, port: config.port });
  await observability.listen();
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;

  let closing: Promise<DrainReport> | undefined;
  return {
    app,
    url: `https://localhost:${port}`,
    port,
    orm,
    services,
    observability,
    logger,
    firstAdmin,
    tlsGenerated: tls.generated,
    close() {
      closing ??= (async () => {
        lifecycle.shuttingDown = true;
        await app.liveSockets.closeAll(); // subscription sockets (websocket.ts): clients reconnect elsewhere
        const report = await app.drain.run(config.http.shutdownGraceMs); // drain.ts: in-flight requests answered, late ones 503
        app.outage.stop();
        await app.close();
        await stopServices(services); // lets queued background work and a mail pass finish
        await orm.close(true);
        await observability.stop(); // last: the spans of the shutdown's own work are exported too
        return report;
      })();
      return closing;
    },
  };
}
