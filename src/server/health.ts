import type { FastifyInstance } from "fastify";
import { pendingMigrations, type Orm } from "../db/orm.js";
import type { Services } from "../services.js";
import { redisReadiness } from "./redis-readiness.js";

export interface Lifecycle {
  /** Set when shutdown begins: readiness fails so load balancers stop sending traffic. */
  shuttingDown: boolean;
}

/** The database part of readiness answers within this, whatever the database does (frozen, half-open). */
const DATABASE_PROBE_TIMEOUT_MS = 800;

/** Ready, or why not: the operator paged at 3 a.m. should not have to guess which. */
async function readiness(orm: Orm): Promise<"ready" | "database_unavailable" | "migrations_pending"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"database_unavailable">((resolve) => (timer = setTimeout(() => resolve("database_unavailable"), DATABASE_PROBE_TIMEOUT_MS)));
  try {
    return await Promise.race([databaseReadiness(orm), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function databaseReadiness(orm: Orm): Promise<"ready" | "database_unavailable" | "migrations_pending"> {
  try {
    if (!(await orm.isConnected())) return "database_unavailable";
    // Read-only: the migrator's check would recreate a dropped database (pendingMigrations).
    return (await pendingMigrations(orm)).length ? "migrations_pending" : "ready";
  } catch {
    return "database_unavailable";
  }
}

/** Liveness, readiness and the public signing keys. */
export function registerHealthRoutes(app: FastifyInstance, services: Services, lifecycle: Lifecycle): void {
  app.get("/health", async () => ({ status: "ok" }));

  app.get("/ready", async (_request, reply) => {
    if (lifecycle.shuttingDown) return reply.code(503).send({ status: "shutting_down" });
    const [status, redis] = await Promise.all([readiness(services.orm), redisReadiness(services)]);
    if (status !== "ready") return reply.code(503).send({ status, ...redis.body });
    // Redis down: still ready with per-replica limits ("degraded"), unless REDIS_REQUIRED.
    if (!redis.ready) return reply.code(503).send({ status: "redis_unavailable", ...redis.body });
    return reply.code(200).send({ status: redis.degraded ? "degraded" : "ready", ...redis.body });
  });

  app.get("/.well-known/jwks.json", async (_request, reply) =>
    reply.header("cache-control", "public, max-age=300").send(services.keys.jwks()),
  );
}
