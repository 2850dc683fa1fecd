import "reflect-metadata";
import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../src/config.js";
import { statementTotals } from "../src/db/statement-counter.js";
import { startServer } from "../src/server/start.js";
import { announceReady, serveParent } from "./child-ipc.js";

/**
 * DeskQL for bench:events (as server-child.ts, without the other benchmarks' switches), which
 * also writes when each event committed: `<event id> <ms since the epoch>` lines to
 * BENCH_COMMIT_LOG, stamped as the commit is announced (before any subscriber hears it). The
 * events' own `occurredAt` is earlier: it is stamped when the event is raised, and the rest of
 * the writing transaction (its other subscribers, the flush, the commit) runs after it.
 */
const server = await startServer(loadConfig());
const log = process.env.BENCH_COMMIT_LOG;
if (log) {
  server.services.events.onCommitted((events) => {
    const stamp = (performance.timeOrigin + performance.now()).toFixed(2);
    appendFileSync(log, events.map((event) => `${event.id} ${stamp}\n`).join(""));
  });
}
serveParent({
  counts: statementTotals,
  stop: async () => {
    await server.close();
  },
});
announceReady(server.port);
