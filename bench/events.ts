import "reflect-metadata";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RowDataPacket } from "mysql2/promise";
import { DEMO_PASSWORD } from "../src/db/seeders/demo-desk.seeder.js";
import { DEMO_ADMIN, STAFF } from "../src/db/seeders/demo-desk.text.js";
import { startMariaDb } from "../tests/support/mariadb.js";
import { writeEventsSection, type EventsReport } from "./events-report.js";
import { httpsWriter, measureFanout, writeCost } from "./event-fanout.js";
import { measureOutage, measureSigterm } from "./faults.js";
import { QUEUE } from "./documents.js";
import { gql } from "./https-client.js";
import { openBenchDatabase, type BenchDatabase } from "./database.js";
import { wallNow, type SubscriberKind } from "./live-sockets.js";
import { SocketFleet } from "./socket-fleet.js";
import { machineInfo } from "./machine.js";
import { processCpuMs, systemBusyMs } from "./proc-cpu.js";
import { LOGIN } from "./scenarios.js";
import { seedDemoDesk } from "./seed.js";
import type { ServerSnapshot } from "./child-ipc.js";
import type { MemoryBreakdown } from "./memory-breakdown.js";
import { ServerProcess } from "./server-process.js";
import { settings } from "./settings.js";
import { BenchReceiver } from "./webhook-drain.js";

/**
 * `npm run bench:events`: what issues 16 and 23 ask to measure, on the seeded demo desk with the
 * server in a child process (its own event loop, CPU and memory), the subscribers' sockets in
 * processes of their own (socket-fleet.ts: their CPU is reported apart) and the writers and
 * webhook receiver in this one:
 * 1. memory per 1,000 idle graphql-ws sockets (after a full GC in the server);
 * 2. commit-to-subscriber latency and delivered events per second with 1,000 sockets on one
 *    ticket (ticketEvents) and 100 staff sockets on the desk (deskEvents);
 * 3. webhook deliveries per second to a loopback receiver (a backlog drained after re-enabling);
 * 4. SIGTERM with 50 agent queue reads (Q1) in flight (dist/src/main.js on the same database), and
 *    a killed MariaDB: time to the first 503 and to the first success after it returns
 *    (dist/src/main.js on a MariaDB of its own).
 * Then replaces its own section of bench/RESULTS.md (results-section.ts).
 */
const here = fileURLToPath(new URL(".", import.meta.url));
const SERVER_SCRIPT = join(here, "events-server-child.js");
const BARE_SCRIPT = join(here, "bare-sockets-child.js");
const runsDir = join(settings.runsDir, "events");
const count = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
};
const knobs = {
  ticketSockets: count("BENCH_EVENTS_SOCKETS", 1000),
  deskSockets: count("BENCH_EVENTS_DESK_SOCKETS", 100),
  latencyEvents: count("BENCH_EVENTS_LATENCY_EVENTS", 40),
  warmupEvents: count("BENCH_EVENTS_WARMUP_EVENTS", 10),
  seconds: count("BENCH_EVENTS_SECONDS", 10),
  writers: count("BENCH_EVENTS_WRITERS", 4),
  inFlight: count("BENCH_EVENTS_SIGTERM_REQUESTS", 50),
  /** Processes the subscribers' sockets are spread over (socket-fleet.ts), apart from the harness's writers. */
  clientProcesses: count("BENCH_EVENTS_CLIENT_PROCESSES", 1),
  /** BENCH_EVENTS_CLIENT=graphql-ws: the subscribers use the graphql-ws client library instead of the protocol spoken directly (live-sockets.ts). */
  client: (process.env.BENCH_EVENTS_CLIENT === "graphql-ws" ? "graphql-ws" : "lean") as SubscriberKind,
};
/** BENCH_EVENTS_FAULTS=false: skips the SIGTERM and database-outage parts (5 and 6), which start servers of their own. */
const faults = process.env.BENCH_EVENTS_FAULTS !== "false";
/**
 * BENCH_EVENTS_HEAP_SNAPSHOTS=1: V8 heap snapshots of the server with its 1,000 sockets open and
 * after they closed (bench/.runs/events/heap), to tell what each socket keeps. Both are taken
 * after the memory figures; the first delays the ticket fan-out by its seconds of writing.
 */
const heapSnapshots = process.env.BENCH_EVENTS_HEAP_SNAPSHOTS === "1";
/** BENCH_EVENTS_NOTES=true: the writer adds internal notes instead of public replies (no email to the requester). */
const notes = process.env.BENCH_EVENTS_NOTES === "true";

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

function serverEnv(databaseUrl: string, dir: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: databaseUrl,
    DATA_DIR: join(dir, "data"),
    TLS_CERT_FILE: join(dir, "ssl/cert.pem"),
    TLS_KEY_FILE: join(dir, "ssl/key.pem"),
    ALLOW_SELF_SIGNED_TLS: "true",
    JWT_KEYS_DIR: join(dir, "keys"),
    ALLOW_GENERATED_KEYS: "true",
    ACCESS_TOKEN_TTL_SECONDS: "3600",
    ADMIN_EMAIL: DEMO_ADMIN.email,
    ADMIN_PASSWORD: DEMO_PASSWORD,
    RATE_LIMIT_LOGIN_PER_MINUTE: "10000",
    RATE_LIMIT_POINTS_PER_HOUR: "100000000",
    RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: "100000000",
    // One agent holds the 1,000 sockets on one ticket (a customer could not see it; three agents would need 334 each).
    SUBSCRIPTION_SOCKETS_PER_USER: "1000",
    WEBHOOK_ALLOW_HTTP: "true",
    WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1/32",
    LOG_LEVEL: "info",
    MALLOC_ARENA_MAX: "2",
    MALLOC_MMAP_THRESHOLD_: "8388608",
    CLIENT_DIR: join(dir, "no-client"),
    ...settings.serverEnv,
  };
}

const mb = (s: ServerSnapshot) => ({ rssMb: s.rssBytes / 2 ** 20, heapMb: s.heapUsedBytes / 2 ** 20, externalMb: (s.externalBytes ?? NaN) / 2 ** 20 });

// The client's own documents (frontend/src/lib/graphql/live.documents.ts), plus occurredAt for the clock.
const TICKET_EVENTS = `subscription BenchTicket($id: ID!) { ticketEvents(ticketId: $id) { id type position occurredAt target { type id } payload actor { id displayName } } }`;
const DESK_EVENTS = `subscription BenchDesk { deskEvents { id type position occurredAt target { type id } } }`;

/** What grew between two breakdowns, MiB: V8's committed heap, malloc's arenas (OpenSSL, libuv, Node's C++), the rest. */
function residentGrowth(before: MemoryBreakdown, after: MemoryBreakdown): Record<string, number> {
  const sum = (m: MemoryBreakdown) => Object.values(m.resident).reduce((total, mb) => total + mb, 0);
  // smaps' own total beside process.memoryUsage()'s RSS (the kernel's counter, which may lag).
  const grown: Record<string, number> = { "resident in smaps, all": sum(after) - sum(before), "V8 heap committed": after.heapTotalMb - before.heapTotalMb };
  for (const key of new Set([...Object.keys(before.resident), ...Object.keys(after.resident)])) {
    const delta = (after.resident[key] ?? 0) - (before.resident[key] ?? 0);
    if (Math.abs(delta) >= 0.1) grown[key] = delta;
  }
  return grown;
}

/** CPU used by everything but the benchmark's own processes, in cores, while `work` runs. */
async function foreignCores<T>(pids: () => (number | null)[], work: () => Promise<T>): Promise<{ result: T; foreign: number | null }> {
  const own = () => pids().reduce<number | null>((sum, pid) => (sum === null || pid === null ? sum : sum + (processCpuMs(pid) ?? 0)), 0);
  const [busy0, own0, t0] = [systemBusyMs(), own(), Date.now()];
  const result = await work();
  const [busy1, own1, t1] = [systemBusyMs(), own(), Date.now()];
  const foreign = busy0 === null || busy1 === null || own0 === null || own1 === null ? null : Math.max(0, (busy1 - busy0 - (own1 - own0)) / (t1 - t0));
  return { result, foreign };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  rmSync(runsDir, { recursive: true, force: true });
  mkdirSync(runsDir, { recursive: true });
  const loadBefore = loadavg();
  const env = serverEnv("", runsDir);
  const malloc = ["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES"].map((key) => `${key}=${env[key] ?? "(unset)"}`).join(" ");
  const report: Partial<EventsReport> = { startedAt, machine: machineInfo(), knobs, notes, loadBefore, foreign: {}, malloc };

  log(settings.databaseUrl ? "using BENCH_DATABASE_URL" : "starting a throwaway MariaDB");
  const db: BenchDatabase = await openBenchDatabase(settings.databaseUrl);
  let server: ServerProcess | undefined;
  const receiver = await BenchReceiver.start();
  try {
    report.database = `MariaDB ${db.version}`;
    report.dataset = await seedDemoDesk(db.url, runsDir);
    log(`seeded: ${JSON.stringify(report.dataset)}`);
    const commitLog = join(runsDir, "commits.log");
    writeFileSync(commitLog, "");
    const commitTimes = () => new Map(readFileSync(commitLog, "utf8").split("\n").filter(Boolean).map((line) => line.split(" ")).map(([id, at]) => [id!, Number(at)]));
    server = await ServerProcess.start("events", SERVER_SCRIPT, { ...serverEnv(db.url, runsDir), BENCH_COMMIT_LOG: commitLog }, {
      logDir: runsDir,
      // BENCH_PROFILE=1: a V8 CPU profile of the server, written at its stop into bench/.runs/events/profiles.
      execArgv: [
        "--expose-gc",
        ...(settings.profile ? ["--cpu-prof", `--cpu-prof-dir=${join(runsDir, "profiles")}`] : []),
        ...(heapSnapshots ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${join(runsDir, "heap")}`] : []),
      ],
    });
    const heapSnapshot = async () => {
      if (!heapSnapshots) return;
      mkdirSync(join(runsDir, "heap"), { recursive: true });
      process.kill(server!.pid, "SIGUSR2");
      await new Promise((resolve) => setTimeout(resolve, 500));
      await server!.snapshot(); // answered once the snapshot is written (it blocks the server's loop)
    };
    const port = server.port;
    const ca = readFileSync(join(runsDir, "ssl/cert.pem"));
    let fleetPids: number[] = [];
    const pids = () => [server!.pid, process.pid, db.pid, ...fleetPids];
    const openFleet = async (serverPort: number, sockets: number, token: (i: number) => string, kind: SubscriberKind = knobs.client) => {
      const fleet = await SocketFleet.open({ port: serverPort, ca, tokens: Array.from({ length: sockets }, (_, i) => token(i)), processes: knobs.clientProcesses, concurrency: 20, kind });
      fleetPids = fleet.pids;
      return fleet;
    };
    const signIn = async (email: string) => (await gql<{ login: { accessToken: string } }>(port, ca, LOGIN, { i: { email, password: DEMO_PASSWORD } })).data.login.accessToken;
    const [listener, writerToken, admin] = [await signIn(STAFF[0].email), await signIn(STAFF[1].email), await signIn(DEMO_ADMIN.email)];
    const staffTokens = [listener, writerToken, await signIn(STAFF[2].email), admin];
    const open = (await db.connection.query<RowDataPacket[]>("select id from tickets where status <> 'CLOSED' order by number limit 51"))[0].map((r) => String(r.id));
    const [hotTicket, ...deskTickets] = open as [string, ...string[]];

    // The webhook exists from the start but disabled: the comments below become its backlog.
    const created = await gql<{ createWebhook: { secret: string; webhook: { id: string } } }>(port, ca, `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id } } }`, { i: { url: receiver.url(), events: ["comment.added"], description: "bench:events" } }, admin);
    const webhookId = created.data.createWebhook.webhook.id;
    receiver.trust(created.data.createWebhook.secret);
    await gql(port, ca, `mutation($id: ID!) { updateWebhook(id: $id, input: { enabled: false }) { id } }`, { id: webhookId }, admin);

    // Server CPU per comment with no subscriber, to tell the fan-out's share of the figures below.
    const writer = httpsWriter(port, ca, writerToken, knobs.writers, notes);
    report.writeCpuMs = await writeCost(server, writer, (n) => deskTickets[n % deskTickets.length]!, knobs.latencyEvents);
    log(`server CPU per comment, nobody listening: ${report.writeCpuMs.toFixed(2)} ms`);

    // 1. Memory per idle socket: first the same TLS and \`ws\` without DeskQL (bare-sockets-child.ts), then DeskQL's.
    const bareServer = await ServerProcess.start("bare-tls", BARE_SCRIPT, serverEnv(db.url, runsDir), { logDir: runsDir, execArgv: ["--expose-gc"] });
    try {
      const [before, whereBefore] = [await bareServer.liveSnapshot(), await bareServer.memory(true)];
      const bareSockets = await openFleet(bareServer.port, knobs.ticketSockets, () => "none");
      const [after, whereAfter] = [await bareServer.liveSnapshot(), await bareServer.memory(true)];
      await bareSockets.close();
      report.bareTls = { sockets: bareSockets.size, bare: mb(before), idle: mb(after), where: residentGrowth(whereBefore, whereAfter) };
      log(`  bare TLS + ws: ${bareSockets.size} idle sockets: RSS ${mb(before).rssMb.toFixed(1)} → ${mb(after).rssMb.toFixed(1)} MB, heap ${mb(before).heapMb.toFixed(1)} → ${mb(after).heapMb.toFixed(1)} MB`);
    } finally {
      await bareServer.stop();
    }
    log(`opening ${knobs.ticketSockets} sockets`);
    const [bare, whereBare] = [await server.liveSnapshot(), await server.memory(true)];
    const openedAt = wallNow();
    const sockets = await openFleet(port, knobs.ticketSockets, () => listener);
    const openMs = wallNow() - openedAt;
    const [idle, whereIdle] = [await server.liveSnapshot(), await server.memory(true)];
    await heapSnapshot();
    report.memory = {
      sockets: sockets.size,
      openMs,
      bare: mb(bare),
      idle: mb(idle),
      where: residentGrowth(whereBare, whereIdle),
    };
    log(`  ${sockets.size} idle sockets in ${Math.round(openMs)} ms: RSS ${report.memory.bare.rssMb.toFixed(1)} → ${report.memory.idle.rssMb.toFixed(1)} MB, heap ${report.memory.bare.heapMb.toFixed(1)} → ${report.memory.idle.heapMb.toFixed(1)} MB, external ${report.memory.bare.externalMb.toFixed(1)} → ${report.memory.idle.externalMb.toFixed(1)} MB`);

    // 2. One ticket, 1,000 subscribers.
    log(`ticketEvents: ${sockets.size} sockets on one ticket`);
    const ticket = await foreignCores(pids, () =>
      measureFanout({ server: server!, sockets, clientProcesses: knobs.clientProcesses, commitTimes, query: TICKET_EVENTS, variables: { id: hotTicket }, writer, ticketFor: () => hotTicket, latencyEvents: knobs.latencyEvents, warmupEvents: knobs.warmupEvents, seconds: knobs.seconds, writers: knobs.writers, log }),
    );
    report.ticket = ticket.result;
    report.foreign!.ticket = ticket.foreign;
    const subscribed = await server.liveSnapshot();
    report.memory.subscribed = mb(subscribed);
    await sockets.close();
    if (heapSnapshots) await new Promise((resolve) => setTimeout(resolve, 2_000)); // the server hears every close
    await heapSnapshot();

    // 2b. The same with the graphql-ws client library as the subscribers (more of the shared cores go to reading).
    if (knobs.client === "lean") {
      log(`ticketEvents again, the subscribers on the graphql-ws client library`);
      const librarySockets = await openFleet(port, knobs.ticketSockets, () => listener, "graphql-ws");
      try {
        const library = await measureFanout({ server: server!, sockets: librarySockets, clientProcesses: knobs.clientProcesses, commitTimes, query: TICKET_EVENTS, variables: { id: hotTicket }, writer, ticketFor: () => hotTicket, latencyEvents: knobs.latencyEvents, warmupEvents: knobs.warmupEvents, seconds: Math.min(knobs.seconds, 3), writers: knobs.writers, log });
        report.ticketLibraryClient = library;
      } finally {
        await librarySockets.close();
      }
    }

    // 3. The desk, 100 staff sockets; comments spread over 50 tickets.
    log(`deskEvents: ${knobs.deskSockets} staff sockets`);
    const deskSockets = await openFleet(port, knobs.deskSockets, (i) => staffTokens[i % staffTokens.length]!);
    const desk = await foreignCores(pids, () =>
      measureFanout({ server: server!, sockets: deskSockets, clientProcesses: knobs.clientProcesses, commitTimes, query: DESK_EVENTS, variables: {}, writer, ticketFor: (n) => deskTickets[n % deskTickets.length]!, latencyEvents: knobs.latencyEvents, warmupEvents: knobs.warmupEvents, seconds: knobs.seconds, writers: knobs.writers, log }),
    );
    report.desk = desk.result;
    report.foreign!.desk = desk.foreign;
    await deskSockets.close();
    writer.close();

    // 4. Webhook deliveries: the backlog of every comment above, drained after re-enabling.
    const [[{ backlog }]] = (await db.connection.query("select count(*) as backlog from domain_events where type = 'comment.added' and position > (select scanned_through from webhooks where id = ?)", [webhookId])) as unknown as [[{ backlog: number }]];
    log(`webhook: draining a backlog of ${backlog} deliveries`);
    const cpuBefore = (await server.snapshot()).cpuMs;
    const drain = await foreignCores(pids, async () => {
      const enabledAt = wallNow();
      await gql(port, ca, `mutation($id: ID!) { updateWebhook(id: $id, input: { enabled: true }) { id } }`, { id: webhookId }, admin);
      const deadline = Date.now() + 300_000;
      while (receiver.ids.size + receiver.badSignatures < Number(backlog) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return { enabledAt };
    });
    // The log is written after each answer: wait (briefly) for the last ones.
    let delivered = 0;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const [[row]] = (await db.connection.query("select count(*) as n from webhook_deliveries where webhook_id = ? and status = 'DELIVERED'", [webhookId])) as unknown as [[{ n: number }]];
      delivered = Number(row.n);
      if (delivered >= receiver.ids.size) break;
    }
    report.webhooks = {
      backlog: Number(backlog),
      received: receiver.received,
      distinctIds: receiver.ids.size,
      badSignatures: receiver.badSignatures,
      deliveredInLog: Number(delivered),
      seconds: (receiver.lastAt - drain.result.enabledAt) / 1000,
      firstAfterMs: receiver.firstAt - drain.result.enabledAt,
      perSecond: receiver.ids.size / ((receiver.lastAt - drain.result.enabledAt) / 1000),
      serverCpuMsPerDelivery: ((await server.snapshot()).cpuMs - cpuBefore) / Math.max(1, receiver.received),
    };
    report.foreign!.webhooks = drain.foreign;
    log(`  ${receiver.ids.size} of ${backlog} delivered in ${report.webhooks.seconds.toFixed(1)} s (${report.webhooks.perSecond.toFixed(0)}/s), ${receiver.badSignatures} bad signatures`);
    await server.stop();
    server = undefined;

    // 1 again, on a DeskQL server without transparent huge pages for malloc (the one setting of npm start's that decides this figure).
    if (/hugetlb=1/.test(env.GLIBC_TUNABLES ?? "")) {
      const plain = await ServerProcess.start("events-no-huge-pages", SERVER_SCRIPT, { ...serverEnv(db.url, runsDir), GLIBC_TUNABLES: "glibc.malloc.hugetlb=0" }, { logDir: runsDir, execArgv: ["--expose-gc"] });
      try {
        const [before, whereBefore] = [await plain.liveSnapshot(), await plain.memory(true)];
        const idleSockets = await openFleet(plain.port, knobs.ticketSockets, () => listener);
        const [after, whereAfter] = [await plain.liveSnapshot(), await plain.memory(true)];
        await idleSockets.close();
        report.noHugePages = { sockets: idleSockets.size, bare: mb(before), idle: mb(after), where: residentGrowth(whereBefore, whereAfter) };
        log(`  without huge pages: ${idleSockets.size} idle sockets: RSS ${mb(before).rssMb.toFixed(1)} → ${mb(after).rssMb.toFixed(1)} MB, heap ${mb(before).heapMb.toFixed(1)} → ${mb(after).heapMb.toFixed(1)} MB`);
      } finally {
        await plain.stop();
      }
    }

    // 5. SIGTERM with the agent queue (Q1) in flight, on the production entry point and this database.
    if (faults) {
      log(`SIGTERM with ${knobs.inFlight} queue reads in flight`);
      // (The server process is spawned inside: other processes' CPU is not told apart here; the load average is.)
      report.loadAt = { sigterm: loadavg()[0]! };
      report.sigterm = await measureSigterm({ ...serverEnv(db.url, runsDir), DATA_DIR: join(runsDir, "sigterm-data") }, runsDir, { email: STAFF[0].email, password: DEMO_PASSWORD }, knobs.inFlight, { document: QUEUE, variables: { first: 50 } });
      log(`  SIGTERM: ${JSON.stringify(report.sigterm)}`);
    }
  } finally {
    await server?.stop();
    await receiver.close();
    await db.close();
  }

  // 6. A killed database, on a MariaDB of its own, with the production entry point.
  if (faults) await outage(report);
  report.loadAfter = loadavg();
  report.seconds = (Date.now() - startedAt.getTime()) / 1000;
  writeFileSync(join(runsDir, "results.json"), JSON.stringify(report, null, 2));
  writeEventsSection(settings.resultsFile, report as EventsReport);
  log(`wrote the events section of ${settings.resultsFile} after ${Math.round(report.seconds)} s`);
}

async function outage(report: Partial<EventsReport>): Promise<void> {
  log("database outage: a MariaDB of its own");
  const mariadb = await startMariaDb();
  const faultsDir = join(runsDir, "faults");
  try {
    const { createConnection } = await import("mysql2/promise");
    const admin = await createConnection(mariadb.url);
    await admin.query("CREATE DATABASE deskql_bench_faults CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    await admin.end();
    const env = serverEnv(`${mariadb.url}/deskql_bench_faults`, faultsDir);
    const login = { email: DEMO_ADMIN.email, password: DEMO_PASSWORD };
    report.loadAt!.outage = loadavg()[0]!;
    report.outage = await measureOutage(env, faultsDir, mariadb, login, log);
    log(`  outage: ${JSON.stringify(report.outage)}`);
  } finally {
    await mariadb.stop();
  }
}

if (!existsSync(BARE_SCRIPT)) throw new Error(`${BARE_SCRIPT} is missing: run npm run build:bench first`);
if (!existsSync(SERVER_SCRIPT)) throw new Error(`${SERVER_SCRIPT} is missing: run npm run build:bench first`);
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
