import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { onSqlite } from "../../support/dialect.js";
import { httpsRequest } from "../../support/http-client.js";
import { MINUTE, useClock } from "../../support/mailbox.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";
import { CREATE_WEBHOOK, deliveriesOf, Receiver, until } from "./receiver.js";

/**
 * At-least-once across a crash: the real server process (dist/, as production runs it) is killed
 * with SIGKILL while its attempt waits on the receiver; a new server on the same database attempts
 * the delivery again once the dead worker's claim has lapsed, under the same webhook-id, and the
 * delivery log counts the interrupted attempt.
 */
const WEBHOOK_ENV = {
  WEBHOOK_ALLOW_HTTP: "true",
  WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1/32",
  // Long enough that the first attempt is still waiting when the process is killed.
  WEBHOOK_TIMEOUT_MS: "30000",
  WEBHOOK_POLL_INTERVAL_MS: "600000", // nothing by timer: commits and the test wake the worker
};

let db: TestDatabase | undefined;
let dir: string;
let child: ChildProcess | undefined;
let restarted: TestServer | undefined;
let receiver: Receiver;

beforeAll(async () => {
  await promisify(execFile)("npm", ["run", "build:server"], { cwd: process.cwd() });
  if (!onSqlite) db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), "deskql-webhook-crash-"));
  receiver = await Receiver.start();
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await restarted?.close();
  await receiver?.close();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The database both servers use: a MariaDB database, or the embedded file in a shared data folder. */
const databaseEnv = (): Record<string, string> => (db ? { DATABASE_URL: db.url } : { DATA_DIR: join(dir, "data") });

/** Starts dist/src/main.js and resolves with its port once it listens. */
async function startProcess(): Promise<{ port: number; ca: Buffer }> {
  child = spawn(process.execPath, ["dist/src/main.js"], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: join(dir, "data"),
      TLS_CERT_FILE: join(dir, "ssl/cert.pem"),
      TLS_KEY_FILE: join(dir, "ssl/key.pem"),
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      LOG_LEVEL: "info",
      CLIENT_DIR: join(dir, "no-client"),
      RATE_LIMIT_LOGIN_PER_MINUTE: "1000",
      RATE_LIMIT_REGISTER_PER_MINUTE: "1000",
      ...WEBHOOK_ENV,
      ...databaseEnv(),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.resume();
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    lines.on("line", (line) => {
      const url = /"url":"https:\/\/localhost:(\d+)"/.exec(line);
      if (url) resolve(Number(url[1]));
    });
    child!.once("exit", (code) => reject(new Error(`the server exited with ${code} before listening`)));
  });
  return { port, ca: readFileSync(join(dir, "ssl/cert.pem")) };
}

describe("a webhook delivery in flight when the server is killed", () => {
  // A bound, not a speed check: a server process from dist/ takes 20-35 s to start on a loaded CI machine.
  it("is attempted again after restart, under the same webhook-id, and never lost", { timeout: 180_000 }, async () => {
    receiver.script = ["hang"]; // the first attempt is accepted and never answered; the next ones get 200
    const { port, ca } = await startProcess();
    const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const res = await httpsRequest<any>(`https://localhost:${port}/graphql`, {
        method: "POST",
        ca,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      if (res.body?.errors) throw new Error(JSON.stringify(res.body.errors));
      return res.body.data;
    };
    const admin = (await gql(LOGIN, { i: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).login.accessToken as string;
    const created = (await gql(CREATE_WEBHOOK, { i: { url: receiver.url(), events: ["ticket.created"] } }, admin)).createWebhook;
    const secret = created.secret as string;
    const webhookId = created.webhook.id as string;
    const customer = (await gql(REGISTER, { i: { email: "crash.customer@example.test", password: DEFAULT_PASSWORD, displayName: "Crash Customer" } })).register.accessToken as string;
    const ticketId = (await gql(CREATE_TICKET, { i: { subject: "Lost in a crash?", description: "It must not be." } }, customer)).createTicket.id as string;

    await until(() => receiver.received.length === 1, "the first attempt to reach the receiver", 60_000);
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child!.kill("SIGKILL");
    await exited;

    restarted = await startTestServer({ env: { ...WEBHOOK_ENV, ...databaseEnv() } });
    const clock = useClock(restarted);
    const adminNow = await restarted.adminToken();
    const worker = restarted.server.services.webhookWorker;

    // The dead worker's claim still holds: no second attempt yet, the delivery waits.
    worker.wake();
    await worker.idle();
    expect(receiver.received).toHaveLength(1);
    expect(await deliveriesOf(restarted, adminNow, webhookId)).toMatchObject([{ status: "PENDING", attempts: 0 }]);

    // Past the claim (WEBHOOK_TIMEOUT_MS + 60 s after the attempt began), the new worker takes it.
    clock.advance(3 * MINUTE);
    worker.wake();
    await until(() => receiver.received.length === 2, "the attempt after restart", 30_000);
    const [first, second] = receiver.received;
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.body).toBe(first!.body);
    for (const request of [first!, second!]) expect(Receiver.verify(request, secret)).toMatchObject({ type: "ticket.created", data: { ticketId } });

    const [delivery] = await until(async () => {
      const list = await deliveriesOf(restarted!, adminNow, webhookId);
      return list[0]?.status === "DELIVERED" && list;
    }, "the delivery log");
    expect(delivery).toMatchObject({ eventId: first!.headers["webhook-id"], eventType: "ticket.created", attempts: 2, responseStatus: 200, error: null });
    expect(receiver.received).toHaveLength(2);
  });
});

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`;
const CREATE_TICKET = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`;
