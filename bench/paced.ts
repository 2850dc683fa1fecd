import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ResponseTally, type LoadResult, type Planned, type Workload } from "./load.js";
import { postRequest, RawConnection } from "./raw-connection.js";
import { settings } from "./settings.js";

export interface PacedOptions {
  /** Requests per second, evenly spaced. */
  rate: number;
  seconds: number;
  /** Keep-alive connections opened before the clock starts; more requests in flight wait for one, and that wait counts. */
  connections: number;
}

/**
 * An open-loop load at a fixed rate: request k is due at start + k / rate whatever the server is
 * doing, and its latency runs from when it left to the last byte of its response, waiting for
 * a free connection included.
 *
 * autocannon cannot measure this. Its `overallRate` lets each connection send its whole
 * per-second quota back to back at every one-second tick, then idle, so "70% load" is full
 * load for most of each second; and with a rate it back-fills every latency with synthetic
 * samples one millisecond apart (`Math.ceil(1 / rate)` ms as the expected interval), so one
 * 10 ms response counts as ten responses of 10, 9, ... 1 ms, piling samples below every real
 * latency. Either distorts p99 / p50, for any server, the transport floor included.
 *
 * Timers fire up to a millisecond late, which would add to every latency if it ran from the due
 * time; how late requests left is reported instead (`paceSlipMs`), so a generator that could
 * not keep up shows rather than hides.
 */
export async function runPaced<E>(port: number, workload: Workload<E>, options: PacedOptions): Promise<LoadResult> {
  const ca = readFileSync(join(settings.runsDir, "ssl/cert.pem"));
  const idle = await Promise.all(Array.from({ length: options.connections }, () => RawConnection.open(port, ca)));
  const all = new Set(idle);
  const queue: (() => void)[] = [];
  let tally = new ResponseTally();
  const fixed = typeof workload.request === "function" ? null : workload.request;
  const fixedBytes = fixed ? postRequest(workload.path, fixed.headers ?? workload.headers, fixed.body) : null;
  const next = (): [Planned<E>, Buffer] => {
    if (fixed) return [fixed, fixedBytes!];
    const planned = (workload.request as () => Planned<E>)();
    return [planned, postRequest(workload.path, planned.headers ?? workload.headers, planned.body)];
  };

  /** Sends one request on a free connection (waiting for one if all are busy) and checks its response. */
  const send = async (): Promise<number> => {
    const [planned, bytes] = next();
    const left = performance.now();
    // Oldest idle first, so every connection stays in use; one the server closed (its keep-alive
    // timeout is 5 s) is replaced, and the new handshake counts in that request's latency.
    let connection = idle.shift() ?? (await new Promise<RawConnection>((resolve) => queue.push(() => resolve(idle.shift()!))));
    if (connection.closed) {
      all.delete(connection);
      connection = await RawConnection.open(port, ca);
      all.add(connection);
    }
    try {
      const res = await connection.send(bytes);
      const latency = performance.now() - left;
      tally.judge(workload, res.status, res.body, planned.expect);
      return latency;
    } finally {
      idle.push(connection);
      queue.shift()?.();
    }
  };

  try {
    // One request on every connection first: the first request of a connection is not the server's steady latency.
    await Promise.all([...all].map(() => send()));
    tally = new ResponseTally();

    const total = Math.max(1, Math.round(options.rate * options.seconds));
    const interval = 1000 / options.rate;
    const latencies: number[] = [];
    const slips: number[] = [];
    const inFlight: Promise<void>[] = [];
    const start = performance.now();
    await new Promise<void>((resolve) => {
      let k = 0;
      const tick = () => {
        const now = performance.now();
        for (let due = start + k * interval; k < total && due <= now; due = start + ++k * interval) {
          slips.push(now - due);
          inFlight.push(
            send().then(
              (ms) => void latencies.push(ms),
              (error: Error) => tally.fail("connection error or timeout", error.message),
            ),
          );
        }
        if (k < total) setTimeout(tick, Math.max(0, start + k * interval - performance.now()));
        else resolve();
      };
      tick();
    });
    await Promise.all(inFlight);
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    slips.sort((a, b) => a - b);
    const at = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);
    return {
      responses: latencies.length,
      seconds,
      rps: tally.correct / seconds,
      latencyMs: {
        p50: at(latencies, 0.5),
        p90: at(latencies, 0.9),
        p99: at(latencies, 0.99),
        mean: latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1),
        max: latencies.at(-1) ?? NaN,
      },
      failures: tally.failures,
      failureReasons: tally.failureReasons,
      paceSlipMs: { p50: at(slips, 0.5), p99: at(slips, 0.99) },
    };
  } finally {
    for (const connection of all) connection.close();
  }
}
