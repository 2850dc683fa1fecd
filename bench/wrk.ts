import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LoadResult, Planned, Workload } from "./load.js";
import { settings } from "./settings.js";

/**
 * wrk (Debian's `wrk` package), the closed-loop generator when it is installed: C and epoll on
 * one thread, it costs the shared cores about a tenth of autocannon's CPU per request, so more of
 * them is left to the servers. It cannot run a workload's JavaScript check on every response, so
 * a Lua `response()` checks what identifies a correct answer cheaply (bench/README.md): HTTP 200,
 * no `"errors"` key, the reference answer's first bytes, and a length that one of the reference
 * answers has (an answer of other tickets, people or comments is another length). The references
 * are the workload's own requests answered before the run and passed by its full check; the
 * fixed-rate runs (paced.ts) keep the full check on every response.
 */
export function wrkAvailable(): boolean {
  if (process.env.BENCH_GENERATOR === "autocannon") return false;
  const probe = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  return !probe.error && /wrk/.test(`${probe.stdout}${probe.stderr}`);
}

export interface WrkReference {
  /** Requests to send round-robin, as HTTP/1.1 bytes are built by wrk.format. */
  requests: Planned<unknown>[];
  /** Lengths of correct answers, and the prefix they share. */
  lengths: Set<number>;
  prefix: string;
}

/** Collects correct reference answers for `workload` (up to `count` distinct requests) with `ask`, judged by its full check. */
export async function wrkReference<E>(workload: Workload<E>, ask: (planned: Planned<E>) => Promise<{ status: number; text: string }>, count = 200): Promise<WrkReference> {
  const fixed = typeof workload.request !== "function";
  const requests: Planned<E>[] = fixed ? [workload.request as Planned<E>] : Array.from({ length: count }, () => (workload.request as () => Planned<E>)());
  const lengths = new Set<number>();
  let prefix: string | null = null;
  for (const planned of requests) {
    const res = await ask(planned);
    const reason = workload.check(res.status, res.text, planned.expect);
    if (reason) throw new Error(`wrk reference answer fails its check (${reason}): ${res.text.slice(0, 200)}`);
    lengths.add(Buffer.byteLength(res.text));
    prefix = prefix === null ? res.text : commonPrefix(prefix, res.text);
  }
  return { requests, lengths, prefix: (prefix ?? "").slice(0, 48) };
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

const long = (s: string) => {
  let level = "=";
  while (s.includes(`]${level}]`)) level += "=";
  return `[${level}[${s}]${level}]`;
};

function luaScript(workload: Workload<unknown>, ref: WrkReference): string {
  const headersOf = (p: Planned<unknown>) => `{ ${Object.entries(p.headers ?? workload.headers).map(([k, v]) => `[ ${long(k)} ] = ${long(v)}`).join(", ")} }`;
  const single = ref.requests.length === 1 && !ref.requests[0]!.headers;
  const lines = [
    `local lengths = { ${[...ref.lengths].map((n) => `[${n}] = true`).join(", ")} }`,
    `local prefix = ${long(ref.prefix)}`,
    "local prefixLength = #prefix",
    "failures, bad_status, bad_body = 0, 0, 0",
    "local threads = {}",
    "function setup(thread) table.insert(threads, thread) end",
  ];
  if (single) {
    const p = ref.requests[0]!;
    lines.push(`wrk.method = "POST"`, `wrk.path = ${long(workload.path)}`, `wrk.body = ${long(p.body)}`, `wrk.headers = ${headersOf(p)}`);
  } else {
    lines.push(
      "local requests = {}",
      "local n = 0",
      `function init(args)`,
      ...ref.requests.map((p) => `  table.insert(requests, wrk.format("POST", ${long(workload.path)}, ${headersOf(p)}, ${long(p.body)}))`),
      "end",
      "function request() n = n + 1; if n > #requests then n = 1 end; return requests[n] end",
    );
  }
  lines.push(
    "function response(status, headers, body)",
    "  if status ~= 200 then failures = failures + 1; bad_status = bad_status + 1",
    "  elseif not lengths[#body] or body:sub(1, prefixLength) ~= prefix or body:find('\"errors\"', 1, true) then failures = failures + 1; bad_body = bad_body + 1 end",
    "end",
    "function done(summary, latency, requests)",
    "  local f, s, b = 0, 0, 0",
    "  for _, t in ipairs(threads) do f = f + t:get('failures'); s = s + t:get('bad_status'); b = b + t:get('bad_body') end",
    "  local e = summary.errors",
    "  io.write(string.format('WRK_RESULT {\"requests\":%d,\"duration_us\":%d,\"p50\":%d,\"p90\":%d,\"p99\":%d,\"mean\":%f,\"max\":%d,\"failures\":%d,\"bad_status\":%d,\"bad_body\":%d,\"errors\":%d}\\n',",
    "    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max, f, s, b,",
    "    e.connect + e.read + e.write + e.timeout))",
    "end",
  );
  return lines.join("\n");
}

let scripts = 0;

/** One closed-loop run with wrk (one thread, `connections` keep-alive HTTPS connections); its own CPU time is measured with bash's `times`. */
export async function runWrk(port: number, workload: Workload<unknown>, ref: WrkReference, options: { connections: number; seconds: number }): Promise<LoadResult> {
  const dir = join(settings.runsDir, "wrk");
  mkdirSync(dir, { recursive: true });
  const script = join(dir, `load-${process.pid}-${++scripts}.lua`);
  writeFileSync(script, luaScript(workload, ref));
  // wrk takes whole seconds only.
  const args = ["-t1", `-c${options.connections}`, `-d${Math.max(1, Math.round(options.seconds))}s`, "--timeout", "30s", "-s", script, `https://127.0.0.1:${port}${workload.path}`];
  const output = await new Promise<string>((resolve, reject) => {
    // bash's `times` prints the CPU its children (wrk) used: the generator's own cost.
    const child = spawn("bash", ["-c", 'wrk "$@"; status=$?; times; exit $status', "wrk", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}: ${out.slice(-500)}`))));
  });
  const line = /WRK_RESULT (\{.*\})/.exec(output);
  if (!line) throw new Error(`wrk printed no result: ${output.slice(-500)}`);
  const r = JSON.parse(line[1]!) as Record<string, number>;
  const times = [...output.matchAll(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/g)].at(-1);
  const generatorCpuMs = times ? (Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4])) * 1000 : 0;
  const seconds = r.duration_us! / 1e6;
  const failures = r.failures! + r.errors!;
  const failureReasons: Record<string, number> = {};
  if (r.bad_status) failureReasons["HTTP status not 200"] = r.bad_status;
  if (r.bad_body) failureReasons["body unlike every reference answer (length, prefix or errors)"] = r.bad_body;
  if (r.errors) failureReasons["connection error or timeout"] = r.errors;
  if (failures) console.warn(`    ! wrk: ${JSON.stringify(failureReasons)}`);
  return {
    responses: r.requests!,
    seconds,
    rps: (r.requests! - r.failures!) / seconds,
    latencyMs: { p50: r.p50! / 1000, p90: r.p90! / 1000, p99: r.p99! / 1000, mean: r.mean! / 1000, max: r.max! / 1000 },
    failures,
    failureReasons,
    generatorCpuMs,
  };
}
