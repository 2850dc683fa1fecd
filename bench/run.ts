import "reflect-metadata";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config.js";
import { openBenchDatabase, type BenchDatabase } from "./database.js";
import { get as httpsGet } from "node:https";
import * as seederModule from "../src/db/seeders/demo-desk.seeder.js";
import { buildPlan } from "./plan.js";
import { closedLoopGenerator, runLoad, type LoadResult } from "./load.js";
import { loadavg } from "node:os";
import { coldStart, type ColdStart } from "./cold-start.js";
import { writeReadmeTable } from "./readme-table.js";
import { coldStartSection, memorySection, sideBySide, statementsSection } from "./report-sections.js";
import { machineInfo, packageVersions } from "./machine.js";
import { Meter, type Measurement } from "./measure.js";
import { writeResults, type ScenarioSummary } from "./report.js";
import type { Scenario, ServerName } from "./scenarios.js";
import { seedDemoDesk } from "./seed.js";
import { writeCapture } from "./sql-capture.js";
import { ServerProcess } from "./server-process.js";
import { settings } from "./settings.js";
import { median } from "./stats.js";
import { measureArgon2, targetsFor } from "./targets.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const SERVER_SCRIPT = join(here, "server-child.js");
const B1_SCRIPT = join(here, "b1-server.js");
const B2_SCRIPT = join(here, "b2-server.js");
// Only used if the demo desk has no admin; the scenarios sign in as the seeded users.
const ADMIN = { email: "bench-admin@deskql.test", password: "bench admin passphrase 42" };

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** The environment every DeskQL process of the benchmark shares; each ablation adds its switch. */
function serverEnv(db: BenchDatabase, extra: Record<string, string>): Record<string, string> {
  const clientDir = resolve("frontend/dist");
  return {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: db.url,
    DATA_DIR: join(settings.runsDir, "data"),
    TLS_CERT_FILE: join(settings.runsDir, "ssl/cert.pem"),
    TLS_KEY_FILE: join(settings.runsDir, "ssl/key.pem"),
    ALLOW_SELF_SIGNED_TLS: "true",
    JWT_KEYS_DIR: join(settings.runsDir, "keys"),
    ALLOW_GENERATED_KEYS: "true",
    ACCESS_TOKEN_TTL_SECONDS: "3600",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // One client IP signs in thousands of times and one agent sends a day's queries in minutes:
    // the budgets are raised out of the way (they are still checked on every request).
    RATE_LIMIT_LOGIN_PER_MINUTE: "10000",
    RATE_LIMIT_POINTS_PER_HOUR: "100000000",
    RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: "100000000",
    LOG_LEVEL: "info",
    // The seeded desk's old deadlines would have the SLA job mail a thousand escalations during
    // the first rounds, on the servers' CPU: the scheduled jobs are off, requests are measured.
    JOBS_ENABLED: "false",
    // As `npm start` and the Docker image run the server (docs/operations.md, "Memory").
    MALLOC_ARENA_MAX: "2",
    MALLOC_MMAP_THRESHOLD_: "8388608",
    CLIENT_DIR: existsSync(join(clientDir, "index.html")) ? clientDir : join(settings.runsDir, "no-client"),
    ...settings.serverEnv,
    ...extra,
  };
}

const SERVER_VARIANTS: Record<Exclude<ServerName, "b1" | "b2">, { title: string; env: Record<string, string> }> = {
  main: { title: "production mode, all caches, permissions", env: { BENCH_FLOOR_ROUTE: "true" } },
  uncached: { title: "production mode, caches off", env: { BENCH_DISABLE_CACHES: "true" } },
  guardedDev: { title: "development mode, permissions", env: { NODE_ENV: "development" } },
  unguarded: { title: "development mode, no permission layer", env: { NODE_ENV: "development", BENCH_UNGUARDED_SCHEMA: "true" } },
  graphqlJs: { title: "production mode, graphql-js's executor instead of graphql-jit", env: { GRAPHQL_JIT: "false" } },
};

async function main(): Promise<void> {
  const startedAt = new Date();
  const startLoad = loadavg();
  for (const dir of ["ssl", "keys", "data"]) rmSync(join(settings.runsDir, dir), { recursive: true, force: true });
  mkdirSync(join(settings.runsDir, "profiles"), { recursive: true });

  log(settings.databaseUrl ? "using BENCH_DATABASE_URL" : "starting a throwaway MariaDB");
  const db = await openBenchDatabase(settings.databaseUrl);
  const servers: Partial<Record<ServerName, ServerProcess>> = {};
  try {
    log(`MariaDB ${db.version}; migrating and seeding the demo desk`);
    const dataset = await seedDemoDesk(db.url, settings.runsDir);
    log(`seeded: ${JSON.stringify(dataset)}`);

    // The main server first: it generates the certificate and signing key the others reuse.
    const start = (name: Exclude<ServerName, "b1" | "b2">) =>
      ServerProcess.start(name, SERVER_SCRIPT, serverEnv(db, SERVER_VARIANTS[name].env), {
        logDir: settings.runsDir,
        // --expose-gc lets the harness measure the live heap once, after the last run; nothing else calls gc().
        execArgv:
          name === "main"
            ? ["--expose-gc", ...(settings.profile ? ["--cpu-prof", `--cpu-prof-dir=${join(settings.runsDir, "profiles")}`] : []), ...settings.mainNodeFlags]
            : [],
      });
    servers.main = await start("main");
    // The ablations' servers only when their scenario runs (BENCH_ONLY), so a partial run starts fewer processes.
    const ablations = { uncached: "Q1-uncached", guardedDev: "Q1-dev", unguarded: "Q1-unguarded", graphqlJs: "Q1-graphql-js" } as const;
    const needed = (Object.keys(ablations) as (keyof typeof ablations)[]).filter((name) => !settings.only.length || settings.only.includes(ablations[name]));
    const others = await Promise.all(needed.map(start));
    for (const s of others) servers[s.name as ServerName] = s;
    const ca = readFileSync(join(settings.runsDir, "ssl/cert.pem"));
    const config = loadConfig(serverEnv(db, {}));
    log(`servers up: ${Object.values(servers).map((s) => `${s!.name}:${s!.port}`).join(", ")}`);

    const jwks = await getText(servers.main.port, ca, "/.well-known/jwks.json");
    const baselineEnv = { ...serverEnv(db, {}), B1_JWKS: jwks, JWT_ISSUER: config.jwt.issuer, JWT_AUDIENCE: config.jwt.audience };
    [servers.b1, servers.b2] = await Promise.all([
      ServerProcess.start("b1", B1_SCRIPT, baselineEnv, { logDir: settings.runsDir }),
      ServerProcess.start("b2", B2_SCRIPT, baselineEnv, { logDir: settings.runsDir }),
    ]);

    const plan = await buildPlan({ db, servers: servers as Record<ServerName, ServerProcess>, ca, password: demoPassword(), log });
    writeCapture(join(settings.runsDir, "statements.sql"), plan.captured);
    for (const r of plan.captured) log(`  ${r.scenario} on ${r.server}: ${r.statements.length} statements, ${r.statements.map((x) => `${x.ms.toFixed(2)} ms/${x.rowsRead} rows`).join(", ")}`);
    const scenarios = plan.scenarios;
    const selected = settings.only.length ? scenarios.filter((s) => settings.only.includes(s.id)) : scenarios;
    const meter = new Meter(db, () => Object.values(servers).map((s) => s!.pid));
    await meter.calibrate();
    const summaries = await runPhases(selected, servers as Record<ServerName, ServerProcess>, meter);
    const sweep = settings.only.length && !settings.only.includes("sweep") ? [] : await runSweep(plan.sweep, servers as Record<ServerName, ServerProcess>, meter);

    const endMemory = await servers.main.memory(false);
    const baselineMemory = { "B1 at the end": await servers.b1.memory(false), "B2 at the end": await servers.b2.memory(false) };
    const live = await servers.main.liveSnapshot();
    const liveMemory = await servers.main.memory(true);
    const coldStarts = settings.coldStart ? await runColdStarts(db) : [];
    const argon2 = await measureArgon2(config.passwords);
    const seconds = (Date.now() - startedAt.getTime()) / 1000;
    writeResults(settings.resultsFile, {
      startedAt,
      seconds,
      machine: machineInfo(),
      database: `MariaDB ${db.version}${settings.databaseUrl ? " (BENCH_DATABASE_URL)" : " (throwaway, tests/support/mariadb.ts settings)"}`,
      versions: packageVersions(),
      settings: {
        "run": `${settings.rounds} interleaved rounds of ${settings.duration} s after a ${settings.warmup} s warm-up`,
        "connections": `${settings.connections} keep-alive HTTPS connections (Q4 alone: 4)`,
        "generator": `${closedLoopGenerator} at maximum throughput (Q3 and Q4: autocannon, for its full check of every answer)`,
        "machine load": loadAverages(startLoad),
        "fixed rate": `${Math.round(settings.fixedRateFraction * 100)}% of the median maximum, evenly paced (bench/paced.ts, latency from each request's departure)`,
        "server": `NODE_ENV=production, LOG_LEVEL=info (to a file)${Object.entries(settings.serverEnv).map(([k, v]) => `, ${k}=${v}`).join("")}, pool ${config.database.poolMax}, PASSWORD_HASH_CONCURRENCY=${config.passwords.hashConcurrency} (${config.passwords.hashConcurrencyUnderLoad} while the event loop is busy), GRAPHQL_JIT=${config.graphqlJit}, HEAP_GROWTH_PERCENT=${config.heapGrowthPercent}, MALLOC_ARENA_MAX=2 and MALLOC_MMAP_THRESHOLD_=8388608 (as npm start; B1 and B2 too), rate-limit budgets raised out of the way (still checked per request), JOBS_ENABLED=false (no scheduled jobs: the seeded desk's old deadlines would mail escalations during the runs)`,
      },
      dataset,
      summaries,
      sweep,
      targets: targetsFor(summaries, sweep, argon2, { rssMb: live.rssBytes / 2 ** 20, heapMb: live.heapUsedBytes / 2 ** 20, endRssMb: endMemory.rssMb }),
      sections: [
        sideBySide(summaries),
        statementsSection(plan.captured),
        memorySection(summaries, endMemory, liveMemory, baselineMemory),
        ...(coldStarts.length ? [coldStartSection(coldStarts)] : []),
      ],
      notes: [
        `One argon2id hash (m=${argon2.memoryKiB} KiB, t=${argon2.timeCost}, p=${argon2.parallelism}) takes ${argon2.singleMs.toFixed(1)} ms on one core here (${argon2.build} build), so ${(1000 / argon2.singleMs).toFixed(0)}/s per core and about ${((2 * 1000) / argon2.singleMs).toFixed(0)}/s on two cores is the ceiling for \`login\`.`,
        `The load generators (${closedLoopGenerator} for maximum throughput, autocannon for Q3 and Q4, bench/paced.ts for the fixed rate in the harness process) share the two cores with the servers and MariaDB; their CPU per request (wrk's own, measured with bash's \`times\`, plus the harness's) is in the table.`,
        "The fixed-rate runs are open-loop and evenly paced: each request leaves on schedule whatever the server is doing, and its latency includes any wait for a free connection. autocannon's own `overallRate` is not used: it sends each second's quota in a burst and back-fills synthetic 1 ms-spaced samples below every latency, which made earlier reports' p99 / p50 figures meaningless. A fixed-rate p50 is therefore the latency of a lone request (about a millisecond for the floor), and p99 is what queueing behind other requests, garbage collection and the neighbours on these shared cores add to it: read the baselines' own ratios beside ours.",
        "At a fixed rate the slow requests come in episodes (measured on 2026-12-02 by logging every request's departure and latency): every few hundred milliseconds the server, MariaDB and the generator stall together for 20-40 ms, and the queue built meanwhile drains over the next tens of milliseconds; B0, which touches no database, and B1 show the same episodes. Pinning the servers to one core and MariaDB and the generator to the other did not remove them. p99 / p50 at a fixed rate therefore measures this machine's stalls more than any server's own.",
        foreignLoadNote(summaries),
        ...plan.notes,
      ],
    });
    writeFileSync(join(settings.runsDir, "results.json"), JSON.stringify({ summaries, sweep, argon2 }, null, 2));
    log(`wrote ${settings.resultsFile} after ${Math.round(seconds)} s`);
    // README's table comes from a full run's RESULTS.md only, never from a partial or diverted one.
    if (!settings.only.length && settings.resultsFile === resolve("bench/RESULTS.md") && writeReadmeTable(resolve("README.md"), settings.resultsFile)) log("README.md: performance table rewritten");
  } finally {
    await Promise.all(Object.values(servers).map((s) => s!.stop()));
    await db.close();
  }
}

/** The 1/5/15-minute load averages at the start and the end: on a shared machine, how much others ran. */
function loadAverages(atStart: number[]): string {
  const show = (l: number[]) => l.map((x) => x.toFixed(1)).join("/");
  return `load average ${show(atStart)} at the start, ${show(loadavg())} at the end (1/5/15 min, 2 cores shared with other work)`;
}

/**
 * The production entry point from process start to its first ready answer: on the embedded
 * database (development mode, as it is the default there), first on an empty data folder
 * (migrations, first admin) and then again; on MariaDB (production mode), on the seeded desk.
 */
async function runColdStarts(db: BenchDatabase): Promise<ColdStart[]> {
  log("cold starts");
  const ca = readFileSync(join(settings.runsDir, "ssl/cert.pem"));
  const embeddedDir = join(settings.runsDir, "cold-embedded");
  rmSync(embeddedDir, { recursive: true, force: true });
  const { DATABASE_URL: _url, ...production } = serverEnv(db, {});
  const embedded = { ...production, NODE_ENV: "development", DATA_DIR: embeddedDir, LOG_LEVEL: "warn" };
  const out: ColdStart[] = [];
  const runs: [string, Record<string, string>][] = [
    ["embedded (libsql), first start on an empty data folder: migrations, first admin", embedded],
    ["embedded (libsql), restart", embedded],
    ["MariaDB, production mode, seeded desk", { ...serverEnv(db, {}), LOG_LEVEL: "warn" }],
    ["MariaDB, production mode, seeded desk (again)", { ...serverEnv(db, {}), LOG_LEVEL: "warn" }],
  ];
  for (const [i, [label, env]] of runs.entries()) {
    const result = await coldStart(label, env, ca, join(settings.runsDir, `cold-${i + 1}.log`));
    log(`  ${label}: ${result.readyMs === null ? "never ready" : `${Math.round(result.readyMs)} ms`}`);
    out.push(result);
  }
  return out;
}

/** How busy the machine was with other work while we measured: figures from a busy machine are not comparable. */
function foreignLoadNote(summaries: ScenarioSummary[]): string {
  const values = summaries.flatMap((s) => [...s.closed, ...s.fixed]).map((m) => m.foreignCpuCores).filter((x): x is number => x !== null);
  if (!values.length) return "CPU used by other processes during the runs could not be read (/proc).";
  const sorted = [...values].sort((a, b) => a - b);
  const med = sorted[Math.floor(sorted.length / 2)]!;
  const max = sorted.at(-1)!;
  const verdict = max < 0.1 ? "the machine was otherwise idle" : med < 0.1 ? "a few runs were disturbed; medians absorb them" : "**the machine was busy with other work: compare these figures with care**";
  return `Other processes used a median of ${med.toFixed(2)} cores (max ${max.toFixed(2)}) during the measured runs: ${verdict}.`;
}

function getText(port: number, ca: Buffer, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpsGet({ host: "127.0.0.1", port, path, ca, servername: "localhost" }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve(text));
    }).on("error", reject);
  });
}

/** The demo desk's password, from the seeder that set it. */
function demoPassword(): string {
  const password = (seederModule as Record<string, unknown>).DEMO_PASSWORD;
  if (typeof password !== "string") throw new Error("DemoDeskSeeder exports no DEMO_PASSWORD: the benchmark signs in as its users");
  return password;
}

/** Warm-up, interleaved maximum-throughput rounds, then interleaved fixed-rate rounds. */
async function runPhases(scenarios: Scenario[], servers: Record<ServerName, ServerProcess>, meter: Meter): Promise<ScenarioSummary[]> {
  const summaries = new Map<string, ScenarioSummary>(
    scenarios.map((s) => [s.id, { id: s.id, title: s.title, server: s.server, connections: s.connections, closed: [], fixed: [], fixedRate: null }]),
  );
  const run = async (s: Scenario, seconds: number, overallRate?: number): Promise<Measurement> => {
    const server = servers[s.server];
    const m = await meter.measure(server, async () => {
      const background = s.background
        ? runLoad(servers.main.port, s.background.workload, { connections: s.background.connections, seconds, overallRate: s.background.rate })
        : undefined;
      const load = await runLoad(server.port, s.workload, { connections: s.connections, seconds, overallRate, generator: s.generator });
      return { load, background: await background };
    });
    await s.afterRun?.();
    return m;
  };
  const describe = (m: Measurement) =>
    `${Math.round(m.load.rps)} req/s, p50 ${m.load.latencyMs.p50.toFixed(1)} ms, p99 ${m.load.latencyMs.p99.toFixed(1)} ms, ` +
    `${m.statementsPerRequest.toFixed(2)} SQL/req, ${m.nodeCpuMsPerRequest.toFixed(2)} ms CPU/req (load-gen ${m.clientCpuMsPerRequest.toFixed(2)}), RSS ${Math.round(m.rssMb)} MB (heap ${Math.round(m.heapUsedMb)})` +
    (m.load.paceSlipMs ? `, pacing late p99 ${m.load.paceSlipMs.p99.toFixed(1)} ms` : "") +
    (m.load.failures ? `, ${m.load.failures} FAILED` : "") +
    (m.foreignCpuCores !== null && m.foreignCpuCores > 0.1 ? `, other processes used ${m.foreignCpuCores.toFixed(2)} cores` : "") +
    (m.background ? ` (beside ${Math.round(m.background.rps)} bg req/s${m.background.failures ? `, ${m.background.failures} bg FAILED` : ""})` : "");

  log(`warm-up: ${settings.warmup} s per scenario`);
  const closedLoop = scenarios.filter((s) => s.closedLoop !== false);
  for (const s of closedLoop) {
    const m = await run(s, settings.warmup);
    log(`  ${s.id} warm-up: ${describe(m)}`);
  }
  for (let round = 1; round <= settings.rounds; round++) {
    log(`round ${round}/${settings.rounds} at maximum throughput`);
    for (const s of closedLoop) {
      const m = await run(s, settings.duration);
      summaries.get(s.id)!.closed.push(m);
      log(`  ${s.id}: ${describe(m)}`);
    }
  }
  // A scenario whose maximum was not measured (BENCH_ONLY left out the one it takes it from) has no fixed rate.
  for (const s of scenarios.filter((x) => x.fixedRate)) {
    const max = median((summaries.get(s.fixedRateFrom ?? s.id)?.closed ?? []).map((m) => m.load.rps));
    if (Number.isFinite(max)) summaries.get(s.id)!.fixedRate = Math.max(1, Math.round(max * settings.fixedRateFraction));
  }
  const fixed = scenarios.filter((s) => summaries.get(s.id)!.fixedRate !== null);
  for (let round = 1; round <= settings.rounds; round++) {
    log(`round ${round}/${settings.rounds} at ${Math.round(settings.fixedRateFraction * 100)}% of the maximum`);
    for (const s of fixed) {
      const summary = summaries.get(s.id)!;
      const m = await run(s, settings.duration, summary.fixedRate!);
      summary.fixed.push(m);
      log(`  ${s.id} @ ${summary.fixedRate}/s: ${describe(m)}`);
    }
  }
  return [...summaries.values()];
}

/** Q1 at several page sizes: statements per request must not grow with the page. */
async function runSweep(sweep: { pageSize: number; scenario: Scenario }[], servers: Record<ServerName, ServerProcess>, meter: Meter) {
  log("Q1 page-size sweep");
  const out: { pageSize: number; measurement: Measurement }[] = [];
  for (const { pageSize, scenario } of sweep) {
    const measurement = await meter.measure(servers[scenario.server], async () => ({
      load: await runLoad(servers[scenario.server].port, scenario.workload, { connections: scenario.connections, seconds: Math.max(2, settings.duration / 2) }),
    }));
    out.push({ pageSize, measurement });
    log(`  ${scenario.id}: ${Math.round(measurement.load.rps)} req/s, ${measurement.statementsPerRequest.toFixed(2)} SQL/req${measurement.load.failures ? `, ${measurement.load.failures} FAILED` : ""}`);
  }
  return out;
}

export type { LoadResult };

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
