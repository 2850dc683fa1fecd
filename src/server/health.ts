import type { FastifyInstance } from "fastify";
import type { Orm } from "../db/orm.js";
import type { Services } from "../services.js";

export interface Lifecycle {
  /** Set when shutdown begins: readiness fails so load balancers stop sending traffic. */
  shuttingDown: boolean;
}

/** Ready, or why not: the operator paged at 3 a.m. should not have to guess which. */
async function readiness(orm: Orm): Promise<"ready" | "database_unavailable" | "migrations_pending"> {
  try {
    if (!(await orm.isConnected())) return "database_unavailable";
    const pending = await orm.getMigrator().getPendingMigrations();
    return pending.length ? "migrations_pending" : "ready";
  } catch {
    return "database_unavailable";
  }
}

/** Liveness, readiness and the public signing keys. */
export function registerHealthRoutes(app: FastifyInstance, services: Services, lifecycle: Lifecycle): void {
  app.get("/health", async () => ({ status: "ok" }));

  app.get("/ready", async (_request, reply) => {
    if (lifecycle.shuttingDown) return reply.code(503).send({ status: "shutting_down" });
    const status = await readiness(services.orm);
    return reply.code(status === "ready" ? 200 : 503).send({ status });
  });

  app.get("/.well-known/jwks.json", async (_request, reply) =>
    reply.header("cache-control", "public, max-age=300").send(services.keys.jwks()),
  );
}
