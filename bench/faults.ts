import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import type { MariaDbServer } from "../tests/support/mariadb.js";
import { wallNow } from "./live-sockets.js";

/**
 * Issue 23's figures, on the real server process (dist/src/main.js, as production runs it, its
 * own signal handlers included): how long a SIGTERM with requests in flight takes to end the
 * process, and how fast a killed database shows as 503 and its return as success.
 */
interface MainProcess {
  child: ChildProcess;
  port: number;
  ca: Buffer;
  exited: Promise<{ code: number | null; signal: string | null; at: number }>;
}

export async function spawnMain(env: Record<string, string>, dir: string): Promise<MainProcess> {
  const child = spawn(process.execPath, ["dist/src/main.js"], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, at: wallNow() })));
  child.stderr!.resume();
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not listen within 120 s")), 120_000);
    lines.on("line", (line) => {
      const url = /"url":"https:\/\/localhost:(\d+)"/.exec(line);
      if (url) {
        clearTimeout(timer);
        resolve(Number(url[1]));
      }
    });
    void exited.then(({ code }) => reject(new Error(`the server exited with ${code} before listening`)));
  });
  return { child, port, ca: readFileSync(join(dir, "ssl/cert.pem")), exited };
}

interface Answer {
  status: number;
  code: string | null;
  ok: boolean;
  at: number;
  retryAfter?: string;
  error?: string;
}

/** One POST /graphql; never rejects (a reset or a timeout is an Answer with status 0). */
function post(port: number, ca: Buffer, agent: Agent | false, body: string, token: string | null, timeoutMs: number, onWritten?: () => void): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/graphql", method: "POST", agent, ca, servername: "localhost", timeout: timeoutMs, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          let parsed: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] } = {};
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            // the status speaks
          }
          const data = parsed.data ? Object.values(parsed.data)[0] : null;
          resolve({ status: res.statusCode ?? 0, code: parsed.errors?.[0]?.extensions?.code ?? null, ok: res.statusCode === 200 && !parsed.errors && !!data, at: wallNow(), retryAfter: res.headers["retry-after"] });
        });
        res.on("error", (e) => resolve({ status: 0, code: null, ok: false, at: wallNow(), error: e.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (e) => resolve({ status: 0, code: null, ok: false, at: wallNow(), error: e.message }));
    if (onWritten) {
      // Sent: the TLS handshake done and the request handed to the socket (a fresh connection each).
      let connected = false;
      let finished = false;
      const check = () => connected && finished && onWritten();
      req.on("socket", (socket) => socket.once("secureConnect", () => ((connected = true), check())));
      req.on("finish", () => ((finished = true), check()));
    }
    req.end(body);
  });
}

export interface SigtermResult {
  inFlight: number;
  answered: number;
  statuses: Record<string, number>;
  sigtermToLastAnswerMs: number;
  lastAnswerToExitMs: number;
  sigtermToExitMs: number;
  exitCode: number | null;
}

/** `count` copies of `query` (as `login`'s user) on their own connections, SIGTERM once all are sent. */
export async function measureSigterm(env: Record<string, string>, dir: string, login: { email: string; password: string }, count: number, query: { document: string; variables: Record<string, unknown> }): Promise<SigtermResult> {
  const server = await spawnMain(env, dir);
  const token = await signIn(server, login);
  const body = JSON.stringify({ query: query.document, variables: query.variables });
  // Warm the process (JIT, pool, caches) with the request first, as a running server is.
  for (let i = 0; i < 3; i++) await post(server.port, server.ca, false, body, token, 30_000);
  let written = 0;
  let allWritten!: () => void;
  const sent = new Promise<void>((resolve) => (allWritten = resolve));
  const answers = Array.from({ length: count }, () => post(server.port, server.ca, false, body, token, 60_000, () => ++written === count && allWritten()));
  await sent;
  const sigtermAt = wallNow();
  server.child.kill("SIGTERM");
  const results = await Promise.all(answers);
  const exit = await server.exited;
  const statuses: Record<string, number> = {};
  for (const a of results) {
    const key = a.ok ? "200 with data" : a.status ? `${a.status} ${a.code ?? ""}`.trim() : `no answer (${a.error})`;
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  const lastAnswer = Math.max(...results.filter((a) => a.status).map((a) => a.at));
  return {
    inFlight: count,
    answered: results.filter((a) => a.ok).length,
    statuses,
    sigtermToLastAnswerMs: lastAnswer - sigtermAt,
    lastAnswerToExitMs: exit.at - lastAnswer,
    sigtermToExitMs: exit.at - sigtermAt,
    exitCode: exit.code,
  };
}

export interface OutageResult {
  killToFirst503Ms: number;
  /** Answers between the kill and the first 503, by status. */
  beforeFirst503: Record<string, number>;
  /** Answers while the database was down, by status, and their latency. */
  duringOutage: Record<string, number>;
  outageAnswerP99Ms: number;
  retryAfter: string | null;
  killToReady503Ms: number;
  restartBeganToFirstSuccessMs: number;
  databaseBackToFirstSuccessMs: number;
  databaseRestartMs: number;
}

/** A back-to-back prober of a database-backed query and of /ready while MariaDB is killed and restarted. */
export async function measureOutage(env: Record<string, string>, dir: string, mariadb: MariaDbServer, login: { email: string; password: string }, log: (m: string) => void): Promise<OutageResult> {
  const server = await spawnMain(env, dir);
  try {
    const token = await signIn(server, login);
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: server.ca, servername: "localhost" });
    const query = JSON.stringify({ query: "query BenchOutageProbe { tickets(first: 5) { totalCount } }" });
    const answers: (Answer & { sentAt: number })[] = [];
    const ready: { status: number; at: number }[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const sentAt = wallNow();
        const a = await post(server.port, server.ca, agent, query, token, 30_000);
        answers.push({ ...a, sentAt });
        if (!a.status) await sleep(10); // a refused connection answers at once: do not spin
      }
    })();
    const readyAgent = new Agent({ keepAlive: true, maxSockets: 1, ca: server.ca, servername: "localhost" });
    const readyProbe = (async () => {
      while (probing) {
        const status = await getStatus(server.port, readyAgent, "/ready");
        ready.push({ status, at: wallNow() });
        await sleep(10);
      }
    })();
    const until = async (check: () => boolean, what: string, ms = 60_000) => {
      const deadline = Date.now() + ms;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(5);
      }
    };
    await until(() => answers.filter((a) => a.ok).length >= 20, "20 successful probes");

    const killedAt = wallNow();
    await mariadb.kill();
    log(`  MariaDB killed`);
    await until(() => answers.some((a) => a.at > killedAt && a.status === 503), "the first 503");
    await sleep(3_000); // the outage as a steady state
    const restartAt = wallNow();
    await mariadb.restart();
    const backAt = wallNow();
    log(`  MariaDB back after ${Math.round(backAt - restartAt)} ms`);
    await until(() => answers.some((a) => a.sentAt >= backAt && a.ok), "the first success after the restart");
    probing = false;
    await Promise.all([probe, readyProbe]);
    agent.destroy();
    readyAgent.destroy();

    const after = answers.filter((a) => a.at > killedAt);
    const first503 = after.find((a) => a.status === 503)!;
    const tally = (list: Answer[]) => {
      const out: Record<string, number> = {};
      for (const a of list) {
        const key = a.ok ? "200" : a.status ? `${a.status} ${a.code ?? ""}`.trim() : `no answer (${a.error})`;
        out[key] = (out[key] ?? 0) + 1;
      }
      return out;
    };
    const during = answers.filter((a) => a.sentAt >= first503.at && a.sentAt < restartAt);
    const firstSuccess = answers.find((a) => a.sentAt >= restartAt && a.ok)!;
    const durations = during.map((a) => a.at - a.sentAt).sort((x, y) => x - y);
    return {
      killToFirst503Ms: first503.at - killedAt,
      beforeFirst503: tally(after.filter((a) => a.at < first503.at)),
      duringOutage: tally(during),
      outageAnswerP99Ms: durations[Math.max(0, Math.ceil(0.99 * durations.length) - 1)] ?? NaN,
      retryAfter: first503.retryAfter ?? null,
      killToReady503Ms: (ready.find((r) => r.at > killedAt && r.status === 503)?.at ?? NaN) - killedAt,
      restartBeganToFirstSuccessMs: firstSuccess.at - restartAt,
      databaseBackToFirstSuccessMs: firstSuccess.at - backAt,
      databaseRestartMs: backAt - restartAt,
    };
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
  }
}

async function signIn(server: MainProcess, login: { email: string; password: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: server.port, path: "/graphql", method: "POST", ca: server.ca, servername: "localhost", headers: { "content-type": "application/json" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const token = JSON.parse(Buffer.concat(chunks).toString("utf8"))?.data?.login?.accessToken;
          if (token) resolve(token);
          else reject(new Error("sign-in failed"));
        });
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ query: "mutation($i: LoginInput!) { login(input: $i) { accessToken } }", variables: { i: login } }));
  });
}

function getStatus(port: number, agent: Agent, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent, timeout: 5_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end();
  });
}
