import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { onSqlite } from "../../support/dialect.js";
import { httpsRequest } from "../../support/http-client.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../../support/server.js";
import { openTls } from "../server/raw-https.js";

/**
 * SIGTERM to the real server process (the compiled dist/, as production runs it) with sign-ins in
 * flight, an idle kept-alive connection and a half-sent request: the sign-ins are answered, late
 * requests get 503 with `Connection: close` (not a reset), the idle connection closes at once,
 * and the process exits 0 right after the last answer.
 */
let db: TestDatabase;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  if (onSqlite) return;
  await promisify(execFile)("npm", ["run", "build:server"], { cwd: process.cwd() });
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), "deskql-sigterm-"));
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(onSqlite)("SIGTERM", () => {
  // A bound, not a speed check: a server process from dist/ takes 20-35 s to start on a loaded CI machine (startup.test.ts).
  it("answers what is in flight, turns late requests away with 503, and exits 0 right after the last answer", { timeout: 150_000 }, async () => {
    child = spawn(process.execPath, ["dist/src/main.js"], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        HOST: "127.0.0.1",
        PORT: "0",
        DATA_DIR: join(dir, "data"),
        TLS_CERT_FILE: join(dir, "ssl/cert.pem"),
        TLS_KEY_FILE: join(dir, "ssl/key.pem"),
        DATABASE_URL: db.url,
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
        LOG_LEVEL: "info",
        CLIENT_DIR: join(dir, "no-client"),
        RATE_LIMIT_LOGIN_PER_MINUTE: "1000",
        // A slow hash (about a second here) keeps the sign-ins in flight while shutdown begins,
        // however quiet the machine: at t=16 and 19 MiB they could finish within the 300 ms below.
        ARGON2_TIME_COST: "20",
        ARGON2_MEMORY_KIB: "131072",
        SHUTDOWN_GRACE_MS: "20000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child!.once("exit", (code) => resolve({ code, at: Date.now() })));
    const lines = createInterface({ input: child.stdout! });
    const port = await new Promise<number>((resolve, reject) => {
      lines.on("line", (line) => {
        const url = /"url":"https:\/\/localhost:(\d+)"/.exec(line);
        if (url) resolve(Number(url[1]));
      });
      void exited.then(({ code }) => reject(new Error(`the server exited with ${code} before listening`)));
    });
    const ca = readFileSync(join(dir, "ssl/cert.pem"));
    const url = (path: string) => `https://localhost:${port}${path}`;

    // An idle kept-alive connection, as browsers and proxies hold them.
    const agent = new Agent({ keepAlive: true, ca, servername: "localhost", maxSockets: 1 });
    const kept = await new Promise<number>((resolve, reject) => {
      const req = request(url("/health"), { agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
    expect(kept).toBe(200);
    await new Promise((r) => setImmediate(r)); // the socket returns to the agent's free list
    const [idleSocket] = Object.values(agent.freeSockets).flat();
    expect(idleSocket).toBeDefined();
    const idleClosed = new Promise<number>((resolve) => idleSocket!.once("close", () => resolve(Date.now())));

    // A request whose headers never finish.
    const halfSent = await openTls(port, ca);
    halfSent.write(`POST /graphql HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\n`);
    halfSent.on("error", () => {});

    const signIn = () =>
      httpsRequest<any>(url("/graphql"), {
        method: "POST",
        ca,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, variables: { i: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } } }),
      }).then((res) => ({ ...res, at: Date.now() }));
    const inFlight = [signIn(), signIn()];
    await new Promise((r) => setTimeout(r, 300)); // the sign-ins are now hashing

    child.kill("SIGTERM");
    const ready = await httpsRequest<any>(url("/ready"), { ca });
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: "shutting_down" });
    const late = await httpsRequest<any>(url("/graphql"), { method: "POST", ca, headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(late.status).toBe(503);
    expect(late.headers.connection).toBe("close");
    expect(late.body.errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");

    const answers = await Promise.all(inFlight);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.data.login.accessToken).toEqual(expect.any(String));
    }
    const lastAnswer = Math.max(...answers.map((a) => a.at));
    // The idle connection was closed when shutdown began, not when it ended.
    expect(await idleClosed).toBeLessThan(lastAnswer);

    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - lastAnswer).toBeLessThan(1500);
    agent.destroy();
  });
});
