import "reflect-metadata";
import { fork } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { RowDataPacket } from "mysql2/promise";
import { DEMO_PASSWORD } from "../src/db/seeders/demo-desk.seeder.js";
import { openBenchDatabase, type BenchDatabase } from "./database.js";
import { QUEUE } from "./documents.js";
import { gql } from "./https-client.js";
import { runLoad, type LoadResult } from "./load.js";
import { startBenchRedis } from "./redis-process.js";
import { LOGIN, queueSignature, queueWorkload } from "./scenarios.js";
import { seedDemoDesk } from "./seed.js";
import { ServerProcess } from "./server-process.js";
import { settings } from "./settings.js";
import { median } from "./stats.js";

/**
 * Two DeskQL replicas on one database, one Redis and one keys folder (`npm run bench:replicas`):
 *
 * 1. Revocation propagation: sign in on A, use the token once on B (B caches it), log out on A,
 *    then ask B with the token back to back until it answers 401 / UNAUTHENTICATED. The figure is
 *    the time from the logout's answer to B's first refusal. Then the same with Redis paused
 *    (SIGSTOP: sockets open, nothing answers), where only B's poll of the events table
 *    (EVENTS_POLL_MS) can tell it.
 * 2. Q1 at maximum throughput against one replica directly, one replica behind a round-robin TCP
 *    proxy (bench/tcp-proxy.ts, bytes passed through, TLS end to end) and both replicas behind it.
 */
const here = fileURLToPath(new URL(".", import.meta.url));
const SERVER_SCRIPT = join(here, "server-child.js");
const PROXY_SCRIPT = join(here, "tcp-proxy.js");
const runsDir = join(settings.runsDir, "replicas");
const count = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number`);
  return n;
};
const TRIALS = count("BENCH_REPLICA_TRIALS", 200);
const PAUSED_TRIALS = count("BENCH_REPLICA_PAUSED_TRIALS", 30);
/** 0 leaves out the Q1 comparison. */
const Q1_ROUNDS = count("BENCH_REPLICA_Q1_ROUNDS", settings.rounds);
const GIVE_UP_MS = 15_000;
const resultsFile = resolve(process.env.BENCH_REPLICAS_RESULTS_FILE || join(runsDir, "results.md"));

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

function serverEnv(db: BenchDatabase, redisUrl: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    REPLICA_COUNT: "2",
    DATA_DIR: join(runsDir, "data"),
    TLS_CERT_FILE: join(runsDir, "ssl/cert.pem"),
    TLS_KEY_FILE: join(runsDir, "ssl/key.pem"),
    ALLOW_SELF_SIGNED_TLS: "true",
    JWT_KEYS_DIR: join(runsDir, "keys"),
    ALLOW_GENERATED_KEYS: "true",
    ACCESS_TOKEN_TTL_SECONDS: "3600",
    RATE_LIMIT_LOGIN_PER_MINUTE: "10000",
    RATE_LIMIT_POINTS_PER_HOUR: "100000000",
    RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: "100000000",
    LOG_LEVEL: "info",
    MALLOC_ARENA_MAX: "2",
    CLIENT_DIR: join(runsDir, "no-client"),
    ...settings.serverEnv,
  };
}

/** One replica's HTTPS client: one keep-alive connection, so a poll costs no handshake. */
class Client {
  private readonly agent: Agent;
  constructor(readonly port: number, private readonly ca: Buffer) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 1, ca, servername: "localhost" });
  }

  call(query: string, variables: Record<string, unknown>, token?: string): Promise<{ status: number; code: string | null; data: any }> {
    const body = JSON.stringify({ query, variables });
    return new Promise((done, fail) => {
      const req = request(
        { host: "127.0.0.1", port: this.port, path: "/graphql", method: "POST", agent: this.agent, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: any = null;
            try {
              parsed = JSON.parse(text);
            } catch {
              // a non-JSON body: the status speaks
            }
            done({ status: res.statusCode ?? 0, code: parsed?.errors?.[0]?.extensions?.code ?? null, data: parsed?.data ?? null });
          });
          res.on("error", fail);
        },
      );
      req.on("error", fail);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

interface Trial {
  ms: number;
  polls: number;
  answer: string;
  /** B's round trip for the token it still served (before the logout): the poll's own cost. */
  servedMs: number;
}

/** One trial: sign in on A, B serves the token, log out on A, poll B until it refuses. */
async function trial(a: Client, b: Client, email: string): Promise<Trial> {
  const login = await a.call(LOGIN, { i: { email, password: DEMO_PASSWORD } });
  const token = login.data?.login?.accessToken as string | undefined;
  if (!token) throw new Error(`sign-in on A failed (${login.status} ${login.code})`);
  const servedAt = performance.now();
  const first = await b.call("{ me { id } }", {}, token);
  const servedMs = performance.now() - servedAt;
  if (!first.data?.me?.id) throw new Error(`B did not serve a fresh token (${first.status} ${first.code})`);
  const logout = await a.call("mutation { logout }", {}, token);
  if (logout.data?.logout !== true) throw new Error(`logout on A failed (${logout.status} ${logout.code})`);
  const loggedOutAt = performance.now();
  for (let polls = 1; ; polls++) {
    const r = await b.call("{ me { id } }", {}, token);
    if (r.status === 401 || r.code === "UNAUTHENTICATED") return { ms: performance.now() - loggedOutAt, polls, answer: `${r.status} ${r.code ?? ""}`.trim(), servedMs };
    if (!r.data?.me?.id) throw new Error(`B answered neither the user nor 401: ${r.status} ${r.code}`);
    if (performance.now() - loggedOutAt > GIVE_UP_MS) throw new Error(`B still served a logged-out token after ${GIVE_UP_MS} ms`);
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

function summarize(trials: Trial[]) {
  const ms = trials.map((t) => t.ms).sort((x, y) => x - y);
  const answers: Record<string, number> = {};
  for (const t of trials) answers[t.answer] = (answers[t.answer] ?? 0) + 1;
  const served = trials.map((t) => t.servedMs).sort((x, y) => x - y);
  return {
    n: ms.length,
    p50: pct(ms, 50),
    p90: pct(ms, 90),
    p99: pct(ms, 99),
    max: ms.at(-1)!,
    polls: median(trials.map((t) => t.polls)),
    firstPoll: trials.filter((t) => t.polls === 1).length / trials.length,
    served: { p50: pct(served, 50), p99: pct(served, 99) },
    answers,
  };
}

function forkProxy(backends: number[]): Promise<{ port: number; stop(): void }> {
  const child = fork(PROXY_SCRIPT, [], { env: { PATH: process.env.PATH ?? "", BENCH_PROXY_BACKENDS: backends.join(",") }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((done, fail) => {
    child.once("message", (m: { port: number }) => done({ port: m.port, stop: () => child.kill("SIGTERM") }));
    child.once("exit", (code) => fail(new Error(`the proxy exited with code ${code}`)));
  });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  rmSync(runsDir, { recursive: true, force: true });
  mkdirSync(runsDir, { recursive: true });
  const loadBefore = loadavg();
  log(settings.databaseUrl ? "using BENCH_DATABASE_URL" : "starting a throwaway MariaDB");
  const db = await openBenchDatabase(settings.databaseUrl);
  const redis = await startBenchRedis();
  const servers: ServerProcess[] = [];
  const clients: Client[] = [];
  const lines: string[] = [];
  try {
    const dataset = await seedDemoDesk(db.url, runsDir);
    log(`seeded: ${JSON.stringify(dataset)}; Redis ${redis.url}`);
    // A first: it generates the certificate and the signing key B then reads from the same folders.
    const env = serverEnv(db, redis.url);
    servers.push(await ServerProcess.start("replica-a", SERVER_SCRIPT, env, { logDir: runsDir }));
    servers.push(await ServerProcess.start("replica-b", SERVER_SCRIPT, env, { logDir: runsDir }));
    const [serverA, serverB] = servers as [ServerProcess, ServerProcess];
    const ca = readFileSync(join(runsDir, "ssl/cert.pem"));
    const a = new Client(serverA.port, ca);
    const b = new Client(serverB.port, ca);
    clients.push(a, b);
    log(`replicas up: A ${serverA.port}, B ${serverB.port}`);

    const [customers] = await db.connection.query<RowDataPacket[]>("select email from users where role = 'CUSTOMER' and deactivated_at is null order by email");
    const emails = customers.map((r) => String(r.email));
    const run = async (label: string, n: number) => {
      const trials: Trial[] = [];
      for (let i = 0; i < n; i++) {
        trials.push(await trial(a, b, emails[i % emails.length]!));
        if ((i + 1) % 50 === 0) log(`  ${label}: ${i + 1}/${n}`);
      }
      const s = summarize(trials);
      log(`${label}: n=${s.n} p50 ${s.p50.toFixed(1)} ms, p90 ${s.p90.toFixed(1)}, p99 ${s.p99.toFixed(1)}, max ${s.max.toFixed(1)} (median ${s.polls} polls, ${Math.round(s.firstPoll * 100)}% refused at the first; B's round trip for a served token p50 ${s.served.p50.toFixed(1)} ms, p99 ${s.served.p99.toFixed(1)}; answers ${JSON.stringify(s.answers)})`);
      return s;
    };

    const revocation: { label: string; s: ReturnType<typeof summarize> }[] = [];
    if (TRIALS) {
      await run("warm-up", 5);
      revocation.push({ label: "Redis up (pub/sub wakes B's tail)", s: await run("Redis up", TRIALS) });
    }
    if (PAUSED_TRIALS) {
      redis.pause();
      try {
        revocation.push({ label: `Redis paused (SIGSTOP): B's poll, EVENTS_POLL_MS=${settings.serverEnv.EVENTS_POLL_MS ?? "500 (default)"}`, s: await run("Redis paused", PAUSED_TRIALS) });
      } finally {
        redis.resume();
      }
    }

    const q1: { label: string; runs: LoadResult[] }[] = [];
    if (Q1_ROUNDS) {
      const [agents] = await db.connection.query<RowDataPacket[]>("select email from users where role = 'AGENT' and deactivated_at is null order by email limit 1");
      if (!agents[0]) throw new Error("the demo desk has no agent: is DemoDeskSeeder complete?");
      const { data: signedIn } = await gql<{ login: { accessToken: string } }>(serverA.port, ca, LOGIN, { i: { email: String(agents[0].email), password: DEMO_PASSWORD } });
      const token = signedIn.login.accessToken;
      const { data } = await gql<{ tickets: any }>(serverA.port, ca, QUEUE, { first: 50 }, token);
      const workload = queueWorkload("/graphql", token, JSON.stringify({ query: QUEUE, variables: { first: 50 } }), {
        totalCount: data.tickets.totalCount,
        signature: queueSignature(data.tickets),
        size: data.tickets.nodes.length,
      });
      const proxyOne = await forkProxy([serverA.port]);
      const proxyTwo = await forkProxy([serverA.port, serverB.port]);
      try {
        const targets = [
          { label: "one replica, direct", port: serverA.port },
          { label: "one replica behind the proxy", port: proxyOne.port },
          { label: "two replicas behind the proxy", port: proxyTwo.port },
        ];
        for (const t of targets) q1.push({ label: t.label, runs: [] });
        log(`Q1 warm-up`);
        for (const t of targets) await runLoad(t.port, workload, { connections: settings.connections, seconds: settings.warmup });
        for (let round = 1; round <= Q1_ROUNDS; round++) {
          for (const [i, t] of targets.entries()) {
            const r = await runLoad(t.port, workload, { connections: settings.connections, seconds: settings.duration });
            q1[i]!.runs.push(r);
            log(`  round ${round} ${t.label}: ${Math.round(r.rps)} req/s, p50 ${r.latencyMs.p50.toFixed(1)} ms, p99 ${r.latencyMs.p99.toFixed(1)} ms${r.failures ? `, ${r.failures} FAILED` : ""}`);
          }
        }
      } finally {
        proxyOne.stop();
        proxyTwo.stop();
      }
    }

    const loadAfter = loadavg();
    lines.push(
      `Run ${startedAt.toISOString()} (${Math.round((Date.now() - startedAt.getTime()) / 1000)} s), MariaDB ${db.version}, load average ${loadBefore.map((x) => x.toFixed(1)).join("/")} before and ${loadAfter.map((x) => x.toFixed(1)).join("/")} after (1/5/15 min).`,
      "",
      "| revocation A → B (logout's answer to B's first refusal) | trials | p50 ms | p90 ms | p99 ms | max ms | polls of B (median) | refused at the first poll | B's round trip, served token, p50 / p99 ms | B's refusal |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
      ...revocation.map(
        ({ label, s }) =>
          `| ${label} | ${s.n} | ${s.p50.toFixed(1)} | ${s.p90.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.max.toFixed(1)} | ${s.polls} | ${Math.round(s.firstPoll * 100)}% | ${s.served.p50.toFixed(1)} / ${s.served.p99.toFixed(1)} | ${Object.entries(s.answers).map(([k, v]) => `${k} ×${v}`).join(", ")} |`,
      ),
    );
    if (q1.length) {
      // Each round's ratio compares rows measured seconds apart, under the same machine noise.
      const ratio = (runs: LoadResult[], to: LoadResult[]) => median(runs.map((r, i) => r.rps / to[i]!.rps));
      lines.push(
        "",
        `| Q1, ${settings.connections} connections, ${Q1_ROUNDS} interleaved rounds of ${settings.duration} s (medians) | req/s | × one direct (median of the rounds' ratios) | × one behind the proxy (idem) | p50 ms | p99 ms | failed |`,
        "|---|---:|---:|---:|---:|---:|---:|",
        ...q1.map(({ label, runs }) => {
          const rps = median(runs.map((r) => r.rps));
          return `| ${label} | ${Math.round(rps)} | ${ratio(runs, q1[0]!.runs).toFixed(2)} | ${ratio(runs, q1[1]!.runs).toFixed(2)} | ${median(runs.map((r) => r.latencyMs.p50)).toFixed(1)} | ${median(runs.map((r) => r.latencyMs.p99)).toFixed(1)} | ${runs.reduce((n, r) => n + r.failures, 0)} |`;
        }),
      );
    }
    mkdirSync(resolve(resultsFile, ".."), { recursive: true });
    writeFileSync(resultsFile, lines.join("\n") + "\n");
    console.log(lines.join("\n"));
    log(`wrote ${resultsFile}`);
  } finally {
    for (const c of clients) c.close();
    await Promise.all(servers.map((s) => s.stop()));
    redis.resume();
    await redis.stop();
    await db.close();
  }
}

if (!existsSync(SERVER_SCRIPT)) throw new Error(`${SERVER_SCRIPT} is missing: run npm run build:bench first`);
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
