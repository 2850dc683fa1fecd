import "reflect-metadata";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { AppConfig } from "../config.js";
import { initOrm, type Orm } from "../db/orm.js";
import { buildBareSchema, buildExecutableSchema } from "../graphql/schema.js";
import { SigningKeys } from "../modules/auth/signing-keys.js";
import { ensureFirstAdmin, type FirstAdmin } from "../modules/users/first-admin.js";
import { createServices, startServices, stopServices, type Services } from "../services.js";
import { buildApp } from "./app.js";
import type { Lifecycle } from "./health.js";
import { limitHeapGrowth } from "./heap-growth.js";
import { createLogger } from "./logger.js";
import { countStatements } from "./statement-counter.js";
import { loadTlsCredentials } from "./tls.js";

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  port: number;
  orm: Orm;
  services: Services;
  logger: Logger;
  firstAdmin: FirstAdmin | null;
  tlsGenerated: boolean;
  /** Graceful stop: readiness fails, in-flight requests finish, then the pool closes. */
  close(): Promise<void>;
}

/** config -> TLS -> database (migrated) -> keys -> services -> schema -> HTTPS listener. */
export async function startServer(config: AppConfig, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config);
  limitHeapGrowth(config.heapGrowthPercent);
  const tls = await loadTlsCredentials(config.tls);
  // Keys before the database: a missing key is a settings problem to report before migrating anything.
  const keys = await SigningKeys.open(config.jwt.keysDir, { allowGenerate: config.jwt.allowGeneratedKeys });
  const orm = await initOrm(config);
  countStatements(orm);
  const services = createServices(config, orm, keys);
  startServices(services, logger); // mail worker (delivers what a previous run left) and key reloads
  const firstAdmin = await ensureFirstAdmin(orm.em.fork(), config, services.hasher);
  // Without permissions only for the benchmark's ablation; config.ts refuses it in production.
  const schema = config.bench.unguardedSchema ? await buildBareSchema() : await buildExecutableSchema();
  const lifecycle: Lifecycle = { shuttingDown: false };
  const app = await buildApp({ services, schema, logger, tls, lifecycle });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;

  let closing: Promise<void> | undefined;
  return {
    app,
    url: `https://localhost:${port}`,
    port,
    orm,
    services,
    logger,
    firstAdmin,
    tlsGenerated: tls.generated,
    close() {
      closing ??= (async () => {
        lifecycle.shuttingDown = true;
        await app.close(); // stops accepting, lets in-flight requests finish (Apollo drains too)
        await stopServices(services); // lets queued background work and a mail pass finish
        await orm.close(true);
      })();
      return closing;
    },
  };
}
