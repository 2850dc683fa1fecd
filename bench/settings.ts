import { resolve } from "node:path";

/**
 * The benchmark's knobs, read once from the environment (bench/README.md lists them). The
 * defaults keep a full run under ten minutes on a 2-core machine.
 */
function number(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

export const settings = {
  /** mysql://user:pass@host:port of a server to use instead of a throwaway MariaDB (a bench database is created and dropped). */
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
  /** Seconds of each measured run. */
  duration: number("BENCH_DURATION", 5),
  /** Seconds of the unmeasured warm-up run before each scenario's first measurement. */
  warmup: number("BENCH_WARMUP", 3),
  /** Interleaved rounds; every figure is the median over them. */
  rounds: number("BENCH_ROUNDS", 3),
  /** Concurrent keep-alive connections of a closed-loop (maximum throughput) run. */
  connections: number("BENCH_CONNECTIONS", 10),
  /** Background sign-ins per second beside Q1. */
  backgroundLoginsPerSecond: number("BENCH_BACKGROUND_LOGINS", 20),
  /** Fraction of the measured maximum used for the fixed-rate latency runs. */
  fixedRateFraction: number("BENCH_FIXED_RATE", 0.7),
  /** Write a V8 CPU profile of the main server (node --cpu-prof) into bench/.runs/profiles. */
  profile: process.env.BENCH_PROFILE === "1",
  /** Extra node flags for the main server, space-separated (e.g. "--trace-gc"; its output goes to bench/.runs/main.log). */
  mainNodeFlags: (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean),
  /** Only these scenarios (comma-separated ids such as "Q1,B0"); all when unset. */
  only: (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
  /** Extra settings for every DeskQL server, "KEY=value,KEY=value" (e.g. PASSWORD_HASH_CONCURRENCY=1), to compare configurations. */
  serverEnv: Object.fromEntries(
    (process.env.BENCH_SERVER_ENV ?? "")
      .split(",")
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
  ) as Record<string, string>,
  /** Time the production entry point to /ready (embedded and MariaDB); BENCH_COLD_START=false leaves it out. */
  coldStart: process.env.BENCH_COLD_START !== "false",
  /** Scratch folder: logs, certificates, keys, profiles. */
  runsDir: resolve("bench/.runs"),
  resultsFile: resolve(process.env.BENCH_RESULTS_FILE || "bench/RESULTS.md"),
};
