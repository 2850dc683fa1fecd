import type { BenchDatabase, StatusCounters } from "./database.js";
import type { LoadResult } from "./load.js";
import { processCpuMs, systemBusyMs } from "./proc-cpu.js";
import type { ServerProcess } from "./server-process.js";

/** One measured run: the load generator's view plus what the server and the database spent on it. */
export interface Measurement {
  load: LoadResult;
  /** The load that ran beside it, if any (its responses are checked too). */
  background?: LoadResult;
  /** Requests the server saw during the run (background load included). */
  serverRequests: number;
  /** Statements per request from the server's own per-request counter. */
  statementsPerRequest: number;
  /** From the database's SHOW GLOBAL STATUS deltas, per server request. */
  questionsPerRequest: number;
  selectsPerRequest: number;
  writesPerRequest: number;
  nodeCpuMsPerRequest: number;
  dbCpuMsPerRequest: number | null;
  /** The load generator's own CPU, which shares the machine. */
  clientCpuMsPerRequest: number;
  rssMb: number;
  /** V8 heap in use after the run (live objects and not yet collected garbage). */
  heapUsedMb: number;
  eventLoopDelayP99Ms: number;
  /**
   * CPU that processes outside the benchmark used during the run, in cores (0.5 = half a core):
   * on a shared machine, runs with much of it are not comparable.
   */
  foreignCpuCores: number | null;
}

export class Meter {
  /** Questions that the status query itself adds to every before/after pair. */
  private overhead = 0;

  constructor(
    private readonly db: BenchDatabase,
    /** Every process of the benchmark (servers), to tell their CPU from anybody else's. */
    private readonly benchPids: () => number[],
  ) {}

  async calibrate(): Promise<void> {
    const a = await this.db.status();
    const b = await this.db.status();
    this.overhead = b.questions - a.questions;
  }

  /** Runs `work` between two snapshots of `server`, the database and this process. */
  async measure(server: ServerProcess, work: () => Promise<{ load: LoadResult; background?: LoadResult }>): Promise<Measurement> {
    const before = await this.snapshot(server);
    const { load, background } = await work();
    await settle(server.pid);
    const after = await this.snapshot(server);
    // A generator in a process of its own (wrk) reports its CPU; it is the harness's share of the cores too.
    const externalCpuMs = (load.generatorCpuMs ?? 0) + (background?.generatorCpuMs ?? 0);
    after.clientCpuMs += externalCpuMs;
    if (after.benchMs !== null) after.benchMs += externalCpuMs;
    const requests = Math.max(1, after.server.requests - before.server.requests);
    const per = (n: number) => n / requests;
    const dbCpu = after.dbCpuMs !== null && before.dbCpuMs !== null ? per(after.dbCpuMs - before.dbCpuMs) : null;
    const d = (k: keyof StatusCounters) => after.status[k] - before.status[k];
    const wallMs = after.wallMs - before.wallMs;
    const foreign =
      after.busyMs !== null && before.busyMs !== null && after.benchMs !== null && before.benchMs !== null
        ? Math.max(0, after.busyMs - before.busyMs - (after.benchMs - before.benchMs)) / wallMs
        : null;
    return {
      load,
      background,
      serverRequests: after.server.requests - before.server.requests,
      statementsPerRequest: per(after.server.statements - before.server.statements),
      questionsPerRequest: per(d("questions") - this.overhead),
      selectsPerRequest: per(d("select")),
      writesPerRequest: per(d("insert") + d("update") + d("delete")),
      nodeCpuMsPerRequest: per(after.server.cpuMs - before.server.cpuMs),
      dbCpuMsPerRequest: dbCpu,
      clientCpuMsPerRequest: per(after.clientCpuMs - before.clientCpuMs),
      rssMb: after.server.rssBytes / 2 ** 20,
      heapUsedMb: after.server.heapUsedBytes / 2 ** 20,
      eventLoopDelayP99Ms: after.server.eventLoopDelay.p99,
      foreignCpuCores: foreign,
    };
  }

  private async snapshot(server: ServerProcess) {
    // The server snapshot also resets its event-loop histogram, so the "after" one covers the run.
    const snap = await server.snapshot();
    const status = await this.db.status();
    const cpu = process.cpuUsage();
    const clientCpuMs = (cpu.user + cpu.system) / 1000;
    const dbCpuMs = this.db.cpuMs();
    const perPid = this.benchPids().map(processCpuMs);
    const benchMs = dbCpuMs !== null && perPid.every((x) => x !== null) ? dbCpuMs + clientCpuMs + perPid.reduce((a, b) => a! + b!, 0)! : null;
    return { server: snap, status, dbCpuMs, clientCpuMs, benchMs, busyMs: systemBusyMs(), wallMs: performance.now() };
  }
}

/**
 * Waits until the server has finished the requests that were in flight when the load generator
 * stopped (its CPU goes quiet), so they are counted in this run and not the next.
 */
async function settle(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = processCpuMs(pid);
  while (last !== null && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = processCpuMs(pid);
    if (now === null || now - last < 5) return;
    last = now;
  }
}
