import "reflect-metadata";
import { loadConfig } from "../src/config.js";
import { buildBareSchema } from "../src/graphql/schema.js";
import { startServer } from "../src/server/start.js";
import { statementTotals } from "../src/db/statement-counter.js";
import type { ServerTuning } from "../src/server/tuning.js";
import { registerBenchFloorRoute, setFloorBody } from "./bench-floor.js";
import { announceReady, serveParent } from "./child-ipc.js";

/**
 * DeskQL itself, in its own process so its CPU time, memory and event loop are measured apart
 * from the load generator. Configured through the environment, like production, plus the
 * benchmark's own switches (bench/run.ts sets them per server variant), which become the
 * server's tuning: production code reads none of them.
 */
const flag = (name: string) => process.env[name] === "true";
const config = loadConfig();
const tuning: ServerTuning = {
  // No verified-token, session, parsed-document or token-count caches: the caches-off ablation.
  caches: !flag("BENCH_DISABLE_CACHES"),
  // POST /bench/floor answers a fixed body: the HTTPS transport floor (B0).
  routes: flag("BENCH_FLOOR_ROUTE") ? registerBenchFloorRoute : undefined,
};
if (flag("BENCH_UNGUARDED_SCHEMA")) {
  // Every field answered to anyone: it exists to measure graphql-shield's cost, nothing else.
  if (config.production) throw new Error("BENCH_UNGUARDED_SCHEMA removes every permission check and is refused in production");
  tuning.schema = buildBareSchema;
}

const server = await startServer(config, { tuning });
serveParent({
  counts: statementTotals,
  setFloorBody,
  stop: async () => {
    await server.close();
  },
});
announceReady(server.port);
