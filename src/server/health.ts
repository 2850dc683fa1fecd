import type { FastifyInstance } from "fastify";
import { isDatabaseReady } from "../db/orm.js";
import type { Services } from "../services.js";

export interface Lifecycle {
  /** Set when shutdown begins: readiness fails so load balancers stop sending traffic. */
  shuttingDown: boolean;
}

/** Liveness, readiness and the public signing keys. */
export function registerHealthRoutes(app: FastifyInstance, services: Services, lifecycle: Lifecycle): void {
  app.get("/health", async () => ({ status: "ok" }));

  app.get("/ready", async (_request, reply) => {
    if (lifecycle.shuttingDown) return reply.code(503).send({ status: "shutting_down" });
    const ready = await isDatabaseReady(services.orm);
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "database_unavailable" });
  });

  app.get("/.well-known/jwks.json", async (_request, reply) =>
    reply.header("cache-control", "public, max-age=300").send(services.keys.jwks()),
  );
}
