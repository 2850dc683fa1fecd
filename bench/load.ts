import autocannon, { type RequestSpec } from "autocannon";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { post } from "./https-client.js";
import { runPaced } from "./paced.js";
import { settings } from "./settings.js";
import { runWrk, wrkAvailable, wrkReference, type WrkReference } from "./wrk.js";

/** One request of a workload and what its response must contain. */
export interface Planned<E = unknown> {
  body: string;
  expect: E;
  /** Replaces the workload's headers for this request (e.g. another user's token). */
  headers?: Record<string, string>;
}

/**
 * What a scenario sends and how each response is judged. `check` returns null for a correct
 * response, else a short reason; it runs on every response, so a fast error never counts as a
 * result.
 */
export interface Workload<E = unknown> {
  path: string;
  headers: Record<string, string>;
  /** A fixed request (cheapest for the load generator), or one built per request. */
  request: Planned<E> | (() => Planned<E>);
  check(status: number, body: string, expect: E): string | null;
}

export interface LoadResult {
  /** Responses received, correct or not. */
  responses: number;
  seconds: number;
  /** Correct responses per second. */
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  /** Responses that failed `check` (any non-2xx among them), connection errors and timeouts. */
  failures: number;
  failureReasons: Record<string, number>;
  /** Fixed-rate runs only: how late requests left against their schedule (see paced.ts). */
  paceSlipMs?: { p50: number; p99: number };
  /** CPU of a generator outside this process (wrk), ms; the harness's own is measured around the run. */
  generatorCpuMs?: number;
  /** Which generator drove the run. */
  generator?: "wrk" | "autocannon" | "paced";
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** Requests per second, evenly spaced (open loop, paced.ts); unset means as fast as the connections go (closed loop). */
  overallRate?: number;
  /** "autocannon" keeps a closed-loop run on autocannon and its full check per response (writes, sign-ins); else wrk when installed. */
  generator?: "autocannon";
}

const wrkInstalled = wrkAvailable();
const references = new WeakMap<Workload<any>, WrkReference>();

/** The generator closed-loop runs use unless a scenario asks for autocannon. */
export const closedLoopGenerator = wrkInstalled ? "wrk (Debian's package, one thread)" : "autocannon (wrk is not installed)";

/** Correct and failed responses of one run, failures by reason; the first few are printed. */
export class ResponseTally {
  correct = 0;
  failures = 0;
  readonly failureReasons: Record<string, number> = {};

  /** Counts a response as correct or failed, as `check` judges it. */
  judge<E>(workload: Workload<E>, status: number, body: string, expect: E): void {
    const reason = workload.check(status, body, expect);
    if (reason === null) this.correct++;
    else this.fail(reason, body);
  }

  fail(reason: string, detail: string): void {
    this.failures++;
    this.failureReasons[reason] = (this.failureReasons[reason] ?? 0) + 1;
    if (this.failures <= 3) console.warn(`    ! ${reason}: ${detail.slice(0, 300)}`);
  }
}

/**
 * Drives `workload` against https://localhost:`port` and checks every response: with autocannon
 * as fast as `connections` allow, or evenly paced at `overallRate` (see paced.ts for why
 * autocannon's own rate limiting is not used).
 */
export async function runLoad<E>(port: number, workload: Workload<E>, options: LoadOptions): Promise<LoadResult> {
  if (options.overallRate) return { ...(await runPaced(port, workload, { rate: options.overallRate, seconds: options.seconds, connections: options.connections })), generator: "paced" };
  if (wrkInstalled && options.generator !== "autocannon") {
    let ref = references.get(workload);
    if (!ref) {
      const ca = readFileSync(join(settings.runsDir, "ssl/cert.pem"));
      ref = await wrkReference(workload, (planned) => post(port, workload.path, planned.body, planned.headers ?? workload.headers, ca));
      references.set(workload, ref);
    }
    return { ...(await runWrk(port, workload, ref, options)), generator: "wrk" };
  }
  const tally = new ResponseTally();
  const onResponse = (status: number, body: string, context: Record<string, unknown>) => {
    const fixed = typeof workload.request !== "function";
    tally.judge(workload, status, body, (fixed ? (workload.request as Planned<E>).expect : context.expect) as E);
  };

  const spec: RequestSpec = { method: "POST", path: workload.path, headers: workload.headers, onResponse };
  if (typeof workload.request === "function") {
    const plan = workload.request;
    spec.setupRequest = (request, context) => {
      const planned = plan();
      context.expect = planned.expect;
      return { ...request, body: planned.body, ...(planned.headers ? { headers: planned.headers } : {}) };
    };
  } else {
    spec.body = workload.request.body;
  }

  const result = await autocannon({
    url: `https://localhost:${port}`,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    requests: [spec],
  });
  // Non-2xx responses went through `check` like any other; what is left never got a response.
  if (result.errors) tally.failureReasons["connection error or timeout"] = result.errors;
  const responses = result.requests.total;
  return {
    responses,
    seconds: result.duration,
    rps: tally.correct / result.duration,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, mean: result.latency.mean, max: result.latency.max },
    failures: tally.failures + result.errors,
    failureReasons: tally.failureReasons,
    generator: "autocannon",
  };
}
