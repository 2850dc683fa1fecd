import "reflect-metadata";
import { createServer, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RowDataPacket } from "mysql2/promise";
import { DEMO_PASSWORD } from "../src/db/seeders/demo-desk.seeder.js";
import { DEMO_ADMIN } from "../src/db/seeders/demo-desk.text.js";
import { openBenchDatabase } from "./database.js";
import { QUEUE } from "./documents.js";
import { gql } from "./https-client.js";
import { runLoad, type LoadResult } from "./load.js";
import { machineInfo } from "./machine.js";
import { processCpuMs } from "./proc-cpu.js";
import { writeSection } from "./results-section.js";
import { LOGIN, queueSignature, queueWorkload } from "./scenarios.js";
import { seedDemoDesk } from "./seed.js";
import { ServerProcess } from "./server-process.js";
import { settings } from "./settings.js";
import { median } from "./stats.js";

/**
 * `npm run bench:observability`: what metrics and tracing cost (issue 21), as Q1 throughput (the
 * agent's queue page, 50 tickets) and server CPU per request, on the seeded demo desk, with the
 * same build started four ways in child processes: both off, metrics on (scraped through the
 * main port every 5 s, as a Prometheus would), tracing on (every request sampled, exported over
 * OTLP/HTTP JSON to a sink in this process), and both on. Rounds interleave the variants, so a
 * neighbour's load lands on all of them; medians are reported. Then replaces its own section of
 * bench/RESULTS.md (results-section.ts).
 */
const here = fileURLToPath(new URL(".", import.meta.url));
const SERVER_SCRIPT = join(here, "server-child.js");
const runsDir = join(settings.runsDir, "observability");
const METRICS_TOKEN = "bench metrics token 0123456789";
const SCRAPE_EVERY_MS = 5_000;
/** The cost the issue allows each of them. */
const TARGET = 0.05;
const rounds = Math.max(settings.rounds, Number(process.env.BENCH_OBSERVABILITY_ROUNDS ?? 5));

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** An OTLP/HTTP collector that accepts and counts what it is sent, nothing more. */
async function startSink(): Promise<{ server: Server; endpoint: string; stats: { requests: number; bytes: number } }> {
  const stats = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on("data", (chunk: Buffer) => (stats.bytes += chunk.length));
    req.on("end", () => {
      stats.requests++;
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stats };
}

function scrape(port: number, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    httpsRequest({ host: "127.0.0.1", port, path: "/metrics", ca, servername: "localhost", headers: { authorization: `Bearer ${METRICS_TOKEN}` } }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`/metrics answered ${res.statusCode}`))));
    })
      .on("error", reject)
      .end();
  });
}

function serverEnv(databaseUrl: string, extra: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: databaseUrl,
    DATA_DIR: join(runsDir, "data"),
    TLS_CERT_FILE: join(runsDir, "ssl/cert.pem"),
    TLS_KEY_FILE: join(runsDir, "ssl/key.pem"),
    ALLOW_SELF_SIGNED_TLS: "true",
    JWT_KEYS_DIR: join(runsDir, "keys"),
    ALLOW_GENERATED_KEYS: "true",
    ACCESS_TOKEN_TTL_SECONDS: "3600",
    ADMIN_EMAIL: DEMO_ADMIN.email,
    ADMIN_PASSWORD: DEMO_PASSWORD,
    RATE_LIMIT_LOGIN_PER_MINUTE: "10000",
    RATE_LIMIT_POINTS_PER_HOUR: "100000000",
    RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: "100000000",
    LOG_LEVEL: "info",
    MALLOC_ARENA_MAX: "2",
    MALLOC_MMAP_THRESHOLD_: "8388608",
    CLIENT_DIR: join(runsDir, "no-client"),
    ...settings.serverEnv,
    ...extra,
  };
}

interface Run {
  load: LoadResult;
  cpuMsPerRequest: number | null;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  rmSync(runsDir, { recursive: true, force: true });
  mkdirSync(runsDir, { recursive: true });
  const sink = await startSink();
  log(settings.databaseUrl ? "using BENCH_DATABASE_URL" : "starting a throwaway MariaDB");
  const db = await openBenchDatabase(settings.databaseUrl);
  const variants = [
    { id: "off", title: "both off", env: {} as Record<string, string> },
    { id: "metrics", title: `metrics on (scraped every ${SCRAPE_EVERY_MS / 1000} s)`, env: { METRICS_TOKEN } },
    { id: "tracing", title: "tracing on (every request sampled, OTLP/HTTP JSON)", env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint } },
    { id: "both", title: "metrics and tracing on", env: { METRICS_TOKEN, OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint } },
  ];
  const servers = new Map<string, ServerProcess>();
  try {
    log(`MariaDB ${db.version}; migrating and seeding the demo desk`);
    const dataset = await seedDemoDesk(db.url, runsDir);
    // The first server generates the certificate and signing key the others reuse.
    for (const variant of variants) servers.set(variant.id, await ServerProcess.start(`observability-${variant.id}`, SERVER_SCRIPT, serverEnv(db.url, variant.env), { logDir: runsDir }));
    const ca = readFileSync(join(runsDir, "ssl/cert.pem"));
    const off = servers.get("off")!;

    const [[agentRow]] = await db.connection.query<RowDataPacket[]>("select email from users where role = 'AGENT' and deactivated_at is null order by email limit 1");
    if (!agentRow) throw new Error("the demo desk has no agent");
    const { data: signedIn } = await gql<{ login: { accessToken: string } }>(off.port, ca, LOGIN, { i: { email: agentRow.email, password: DEMO_PASSWORD } });
    const token = signedIn.login.accessToken;
    const { data } = await gql<{ tickets: any }>(off.port, ca, QUEUE, { first: 50 }, token);
    const workload = queueWorkload("/graphql", token, JSON.stringify({ query: QUEUE, variables: { first: 50 } }), {
      totalCount: data.tickets.totalCount,
      signature: queueSignature(data.tickets),
      size: data.tickets.nodes.length,
    });
    log(`servers up: ${[...servers.values()].map((s) => `${s.name}:${s.port}`).join(", ")}; ${rounds} rounds of ${settings.duration} s`);

    const run = async (id: string, seconds: number): Promise<Run> => {
      const server = servers.get(id)!;
      const scraping = id === "metrics" || id === "both";
      const scrapes: Promise<number>[] = [];
      const timer = scraping ? setInterval(() => scrapes.push(scrape(server.port, ca)), SCRAPE_EVERY_MS) : undefined;
      if (scraping) scrapes.push(scrape(server.port, ca));
      const cpuBefore = processCpuMs(server.pid);
      const load = await runLoad(server.port, workload, { connections: settings.connections, seconds });
      const cpuAfter = processCpuMs(server.pid);
      clearInterval(timer);
      await Promise.all(scrapes);
      return { load, cpuMsPerRequest: cpuBefore !== null && cpuAfter !== null && load.responses ? (cpuAfter - cpuBefore) / load.responses : null };
    };

    for (const variant of variants) await run(variant.id, settings.warmup);
    const runs = new Map<string, Run[]>(variants.map((v) => [v.id, []]));
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round: no variant always runs first or right after another.
      const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
      for (const variant of order) {
        const result = await run(variant.id, settings.duration);
        runs.get(variant.id)!.push(result);
        log(`round ${round + 1} ${variant.id}: ${Math.round(result.load.rps)} req/s, p99 ${result.load.latencyMs.p99.toFixed(1)} ms, ${result.cpuMsPerRequest?.toFixed(2) ?? "?"} ms CPU/req${result.load.failures ? `, ${result.load.failures} FAILED` : ""}`);
      }
    }

    const summary = variants.map((variant) => {
      const list = runs.get(variant.id)!;
      return {
        ...variant,
        rps: median(list.map((r) => r.load.rps)),
        p99: median(list.map((r) => r.load.latencyMs.p99)),
        cpu: median(list.map((r) => r.cpuMsPerRequest ?? NaN)),
        failures: list.reduce((sum, r) => sum + r.load.failures, 0),
      };
    });
    const base = summary[0]!;
    const machine = machineInfo();
    const load = loadavg()[0]!;
    // On a machine busier than its cores, rounds of the same server differ by more than 5%: no verdict then.
    const busy = load > machine.cores;
    const percent = (value: number) => `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)}%`;
    const rows = summary.map((s) => {
      const throughputCost = 1 - s.rps / base.rps;
      const cpuCost = s.cpu / base.cpu - 1;
      const verdict = s.id === "off" ? "" : busy ? "not judged (busy machine)" : throughputCost <= TARGET ? "within 5%" : "**over 5%**";
      return `| ${s.title} | ${Math.round(s.rps)} | ${s.id === "off" ? "" : percent(-throughputCost)} | ${s.p99.toFixed(1)} | ${s.cpu.toFixed(2)} | ${s.id === "off" ? "" : percent(cpuCost)} | ${s.failures} | ${verdict} |`;
    });
    const markdown = [
      `## Cost of metrics and tracing (${startedAt.toISOString().slice(0, 10)}, \`npm run bench:observability\`)`,
      "",
      `Q1 (the agent's queue page, 50 tickets with people, SLA fields and latest comments) against four servers of the same build on the seeded demo desk: ${rounds} interleaved rounds of ${settings.duration} s, ${settings.connections} keep-alive HTTPS connections, medians. ` +
        `Metrics: \`METRICS_TOKEN\` set and /metrics scraped through the main port every ${SCRAPE_EVERY_MS / 1000} s during each run. Tracing: every request sampled (a server span, the GraphQL operation's span and one per SQL statement), exported over OTLP/HTTP JSON to a loopback sink in the harness. Target: each under ${TARGET * 100}% of Q1 throughput.`,
      "",
      "| server | Q1 req/s | vs off | p99 ms | server CPU ms/req | vs off | failures | |",
      "|---|---:|---:|---:|---:|---:|---:|---|",
      ...rows,
      "",
      ...(busy
        ? [
            `**The machine was busy with other work (load average ${load.toFixed(1)} on ${machine.cores} cores): the same server's rounds differed by far more than 5%, so these figures cannot tell a 5% cost; run it again on a quiet machine.**`,
            "",
          ]
        : []),
      `Machine: ${machine.cpuModel}, ${machine.cores} cores shared with MariaDB and the load generator; load average ${load.toFixed(2)} at the end. ` +
        `The sink received ${sink.stats.requests} OTLP requests (${(sink.stats.bytes / 2 ** 20).toFixed(1)} MiB). Dataset: ${Object.entries(dataset).map(([k, v]) => `${v} ${k}`).join(", ")}.`,
    ].join("\n");
    writeSection(settings.resultsFile, "observability", markdown);
    log(`wrote the observability section of ${settings.resultsFile}`);
    console.log(markdown);
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    await db.close();
    sink.server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
