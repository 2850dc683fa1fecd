import "reflect-metadata";
import { loadConfig } from "../src/config.js";
import { setFloorBody } from "../src/server/bench-floor.js";
import { startServer } from "../src/server/start.js";
import { statementTotals } from "../src/server/statement-counter.js";
import { announceReady, serveParent } from "./child-ipc.js";

/**
 * DeskQL itself, in its own process so its CPU time, memory and event loop are measured apart
 * from the load generator. Configured entirely through the environment, like production.
 */
const server = await startServer(loadConfig());
serveParent({
  counts: statementTotals,
  setFloorBody,
  stop: () => server.close(),
});
announceReady(server.port);
