import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { LockMode } from "@mikro-orm/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainEventRecord } from "../../../src/db/domain-event.entity.js";
import { JobUnitRecord } from "../../../src/modules/jobs/job-unit.entity.js";
import { Ticket } from "../../../src/modules/tickets/ticket.entity.js";
import { TicketStatus } from "../../../src/modules/tickets/ticket.enums.js";
import { onSqlite } from "../../support/dialect.js";
import { DAY } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { eventually } from "../replicas/support.js";
import { ticketIn } from "../tickets/ticket-helpers.js";

/**
 * `deskql jobs` as an operator runs it: the built CLI (dist/, no dev dependencies) in its own
 * process, on the database a running server uses. A dry run changes nothing, a second run skips
 * what the first did, and a run killed in the middle of a unit is resumed by the next one
 * without doing anything twice. The CLI runs on the wall clock, so the fixtures are backdated.
 */
let t: TestServer;
let dir: string;
let agent: { token: string };
let customer: { token: string };

beforeAll(async () => {
  await promisify(execFile)("npm", ["run", "build:server"], { cwd: process.cwd() });
  t = await startTestServer({ env: { JOBS_ENABLED: "false" } });
  dir = mkdtempSync(join(tmpdir(), "deskql-jobs-cli-"));
  agent = await t.createUser("AGENT");
  customer = await t.createUser("CUSTOMER");
}, 180_000);

afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const em = () => t.server.services.orm.em.fork();

const cliEnv = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH,
  NODE_ENV: "test",
  LOG_LEVEL: "silent",
  DATA_DIR: join(dir, "data"),
  // As the test servers: a unit's transaction on a loaded CI machine is not cut for the machine's load.
  DATABASE_TRANSACTION_TIMEOUT_MS: "25000",
  DATABASE_STATEMENT_TIMEOUT_MS: "20000",
  ...t.databaseEnv,
  ...extra,
});

/** Runs `deskql jobs ...` from dist/ and returns its exit code and output. */
async function deskql(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const child = spawn(process.execPath, ["dist/src/cli/main.js", "jobs", ...args], { env: cliEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
  return { code, out };
}

const totals = (out: string) => ({
  total: Number(/^Total: (\d+)$/m.exec(out)?.[1]),
  processed: Number(/^Processed: (\d+)$/m.exec(out)?.[1]),
  skipped: Number(/^Skipped \(idempotent\): (\d+)$/m.exec(out)?.[1]),
  errors: Number(/^Errors: (\d+)$/m.exec(out)?.[1]),
});

const remindersCount = () => em().count(DomainEventRecord, { type: "ticket.reminded" });

describe("deskql jobs", () => {
  // Each command is a process that loads the whole server: seconds each on a loaded machine.
  it("lists the jobs and refuses bad usage", { timeout: 120_000 }, async () => {
    const list = await deskql(["list"]);
    expect(list.code, list.out).toBe(0);
    expect(list.out).toMatch(/^tickets\.auto-close\t\*\/15 \* \* \* \*\t/m);
    expect((await deskql(["run"])).code).toBe(64);
    expect((await deskql(["run", "tickets.auto-close", "--concurrency", "0"])).code).toBe(64);
    const unknown = await deskql(["run", "no.such-job"]);
    expect(unknown.code).toBe(64);
    expect(unknown.out).toContain('No job is named "no.such-job"');
  });

  it("runs a job: a dry run changes nothing, a second run skips what the first did", { timeout: 180_000 }, async () => {
    const waiting = [];
    for (let i = 0; i < 3; i++) waiting.push(await ticketIn(t, agent.token, customer.token, "WAITING_ON_CUSTOMER"));
    await em().nativeUpdate(Ticket, { id: { $in: waiting.map((w) => w.id) } }, { clockPausedSince: new Date(Date.now() - 4 * DAY) });

    const dry = await deskql(["run", "tickets.waiting-reminder", "--dry-run"]);
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toContain("dry run: nothing was changed");
    expect(totals(dry.out)).toEqual({ total: 3, processed: 3, skipped: 0, errors: 0 });
    expect(await remindersCount()).toBe(0);
    expect(await em().count(JobUnitRecord, { jobName: "tickets.waiting-reminder" })).toBe(0);

    const first = await deskql(["run", "tickets.waiting-reminder", "--concurrency", "2"]);
    expect(first.code, first.out).toBe(0);
    expect(totals(first.out)).toEqual({ total: 3, processed: 3, skipped: 0, errors: 0 });
    expect(await remindersCount()).toBe(3);

    const second = await deskql(["run", "tickets.waiting-reminder"]);
    expect(second.code, second.out).toBe(0);
    expect(totals(second.out)).toEqual({ total: 3, processed: 0, skipped: 3, errors: 0 });
    expect(await remindersCount()).toBe(3);
  });

  // A unit that blocks needs a row lock another connection holds: MariaDB's (SQLite has one writer).
  it.skipIf(onSqlite)("resumes a run killed in the middle of a unit without doing anything twice", { timeout: 180_000 }, async () => {
    const resolved: { id: string }[] = [];
    for (let i = 0; i < 3; i++) resolved.push(await ticketIn(t, agent.token, customer.token, "RESOLVED"));
    for (const [i, ticket] of resolved.entries()) await em().nativeUpdate(Ticket, { id: ticket.id }, { resolvedAt: new Date(Date.now() - (10 - i) * DAY) });
    const env = { TICKETS_CLOSE_REMINDER_DAYS: "0", JOBS_LEASE_SECONDS: "1" };

    // The test holds the second ticket's row lock: the run closes the first, then blocks on the second.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = em().transactional(async (tx) => {
      await tx.findOne(Ticket, { id: resolved[1]!.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      locked();
      await held;
    });
    await isLocked;
    const child = spawn(process.execPath, ["dist/src/cli/main.js", "jobs", "run", "tickets.auto-close", "--concurrency", "1"], { env: cliEnv(env), stdio: "ignore" });
    const closed = () => em().find(Ticket, { id: { $in: resolved.map((r) => r.id) }, status: TicketStatus.CLOSED }, { fields: ["id"] });
    const claimedSecond = async () => {
      const unit = await em().findOne(JobUnitRecord, { jobName: "tickets.auto-close", key: { $like: `close:${resolved[1]!.id}:%` } });
      return unit?.runId != null && unit.status !== "DONE";
    };
    await eventually("the run closes the first ticket and blocks on the second", async () => (await closed()).length === 1 && (await claimedSecond()), 60_000);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("close", resolve));
    release();
    await holder;
    expect((await closed()).map((c) => c.id)).toEqual([resolved[0]!.id]);

    // Once the dead run's lease lapses, the next run does the rest.
    await eventually(
      "the killed run's lease lapses",
      async () => ((await em().findOne(JobUnitRecord, { jobName: "tickets.auto-close", key: { $like: `close:${resolved[1]!.id}:%` } }))?.leasedUntil ?? new Date(0)) < new Date(),
      10_000,
    );
    const resumed = await deskql(["run", "tickets.auto-close"], env);
    expect(resumed.code, resumed.out).toBe(0);
    expect(totals(resumed.out)).toEqual({ total: 2, processed: 2, skipped: 0, errors: 0 });
    expect((await closed()).length).toBe(3);
    const closings = (await em().find(DomainEventRecord, { type: "ticket.transitioned", targetId: { $in: resolved.map((r) => r.id) } })).filter(
      (e) => (e.payload as { to: string }).to === "CLOSED",
    );
    expect(closings.map((e) => e.targetId).sort()).toEqual(resolved.map((r) => r.id).sort());
  });
});
