import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, type AppConfig } from "../../../src/config.js";
import { applyMigrations, initOrm, type Orm } from "../../../src/db/orm.js";
import { migrationsFor } from "../../../src/db/migrations/index.js";
import { startServer, type RunningServer } from "../../../src/server/start.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { onMariaDb, onSqlite } from "../../support/dialect.js";
import { httpsRequest } from "../../support/http-client.js";

/**
 * Replicas started at once on one database: migrations run once under the startup lock, the
 * others wait and start, and the first admin is created (and its password printed) exactly once.
 * Each replica is a startServer() of its own in this process: its own ORM, pool, keys and port.
 */
const ADMIN_EMAIL = "first.admin@deskql.test";
const REPLICAS = 4;

const running: RunningServer[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  await Promise.allSettled(running.map((server) => server.close()));
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The settings of one replica on `database` (a DATABASE_URL, or the DATA_DIR of a shared embedded file). */
function replicaConfig(database: Record<string, string>, env: Record<string, string> = {}): AppConfig {
  const dir = mkdtempSync(join(tmpdir(), "deskql-replica-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: join(dir, "data"),
    JWT_KEYS_DIR: join(dir, "keys"),
    TLS_CERT_FILE: join(dir, "ssl/cert.pem"),
    TLS_KEY_FILE: join(dir, "ssl/key.pem"),
    DATABASE_POOL_MAX: "3",
    ADMIN_EMAIL, // no ADMIN_PASSWORD: the creating replica generates one and reports it
    LOG_LEVEL: "silent",
    CLIENT_DIR: join(dir, "no-client"),
    ...database,
    ...env,
  });
}

async function startReplica(config: AppConfig): Promise<RunningServer> {
  const server = await startServer(config);
  running.push(server);
  return server;
}

async function startTogether(database: Record<string, string>, count = REPLICAS): Promise<RunningServer[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startReplica(replicaConfig(database))));
  const failures = started.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : []));
  expect(failures).toEqual([]);
  return started.map((s) => (s as PromiseFulfilledResult<RunningServer>).value);
}

async function rows<T>(orm: Orm, sql: string): Promise<T[]> {
  return orm.em.fork().getConnection().execute<T[]>(sql);
}

/** How often each migration is recorded, and how many admins exist. */
async function databaseState(orm: Orm) {
  const migrations = await rows<{ name: string; times: number | string }>(orm, "select name, count(*) as times from mikro_orm_migrations group by name");
  const [admins] = await rows<{ n: number | string }>(orm, "select count(*) as n from users where role = 'ADMIN'");
  return { migrations: Object.fromEntries(migrations.map((m) => [m.name, Number(m.times)])), admins: Number(admins!.n) };
}

async function signIn(server: RunningServer, password: string) {
  const res = await httpsRequest<any>(`https://localhost:${server.port}/graphql`, {
    method: "POST",
    ca: readFileSync(server.services.config.tls.certFile),
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: `mutation($i: LoginInput!) { login(input: $i) { user { email role } } }`, variables: { i: { email: ADMIN_EMAIL, password } } }),
  });
  return res.body;
}

async function expectColdStartOnce(database: Record<string, string>, dialect: "mysql" | "sqlite") {
  const replicas = await startTogether(database);
  const state = await databaseState(replicas[0]!.orm);
  expect(state.migrations).toEqual(Object.fromEntries(migrationsFor(dialect).map((m) => [m.name, 1])));
  expect(state.admins).toBe(1);

  const reported = replicas.filter((r) => r.firstAdmin);
  expect(reported).toHaveLength(1);
  const { email, generatedPassword } = reported[0]!.firstAdmin!;
  expect(email).toBe(ADMIN_EMAIL);
  expect(generatedPassword).toEqual(expect.any(String));
  // The printed password signs in, on a replica other than the one that printed it.
  const other = replicas.find((r) => r !== reported[0])!;
  expect(await signIn(other, generatedPassword!)).toEqual({ data: { login: { user: { email: ADMIN_EMAIL, role: "ADMIN" } } } });

  // Restarting the fleet on the current database migrates nothing and creates no second admin.
  await Promise.all(replicas.map((r) => r.close()));
  const again = await startTogether(database);
  expect(again.filter((r) => r.firstAdmin)).toEqual([]);
  expect(await databaseState(again[0]!.orm)).toEqual(state);
  expect(await signIn(again[1]!, generatedPassword!)).toMatchObject({ data: { login: { user: { role: "ADMIN" } } } });
}

describe.skipIf(onSqlite)("replicas started at once on one empty MariaDB database", () => {
  async function emptyDatabase(): Promise<TestDatabase> {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    return db;
  }

  it(`all ${REPLICAS} start; the migrations run once and one first admin is created, whose password works`, async () => {
    const db = await emptyDatabase();
    await expectColdStartOnce({ DATABASE_URL: db.url }, "mysql");
  }, 120_000);

  it("with MIGRATE_ON_START=false, waits (not listening) for another process to migrate, then starts", async () => {
    const db = await emptyDatabase();
    const config = replicaConfig({ DATABASE_URL: db.url }, { MIGRATE_ON_START: "false", MIGRATIONS_WAIT_SECONDS: "60" });
    const starting = startReplica(config);
    let started = false;
    void starting.then(() => (started = true), () => undefined);

    // The operator's migration step, as `node dist/src/db/cli.js migrate` runs it.
    const job = await initOrm(config, { migrations: "none" });
    cleanups.push(() => job.close(true));
    // The waiting server has looked (it creates the migrations table under the lock) and found work pending.
    await until(async () => (await rows<{ n: number | string }>(job, "select count(*) as n from information_schema.tables where table_schema = database() and table_name = 'mikro_orm_migrations'"))[0]!.n == 1);
    expect(started).toBe(false);
    expect(await applyMigrations(job, config)).toEqual(migrationsFor("mysql").map((m) => m.name));

    const server = await starting;
    const ready = await httpsRequest<any>(`https://localhost:${server.port}/ready`, { ca: readFileSync(config.tls.certFile) });
    expect(ready.status).toBe(200);
    expect((await databaseState(job)).admins).toBe(1);
    expect(server.firstAdmin?.generatedPassword).toEqual(expect.any(String));
  }, 120_000);

  it("with MIGRATE_ON_START=false and nobody migrating, gives up after MIGRATIONS_WAIT_SECONDS saying why", async () => {
    const db = await emptyDatabase();
    const config = replicaConfig({ DATABASE_URL: db.url }, { MIGRATE_ON_START: "false", MIGRATIONS_WAIT_SECONDS: "1" });
    await expect(startReplica(config)).rejects.toThrow(/migrations were not applied within 1 s \(MIGRATE_ON_START=false; pending: Migration/);
  }, 60_000);
});

describe.skipIf(onMariaDb)("replicas started at once on one embedded SQLite file", () => {
  it(`all ${REPLICAS} start; the migrations run once and one first admin is created, whose password works`, async () => {
    const shared = mkdtempSync(join(tmpdir(), "deskql-shared-"));
    cleanups.push(() => rmSync(shared, { recursive: true, force: true }));
    await expectColdStartOnce({ DATA_DIR: shared }, "sqlite");
  }, 120_000);
});

/** Polls `condition` until it holds, failing after `timeoutMs`. */
async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
