import { setTimeout as sleep } from "node:timers/promises";
import { MikroORM } from "@mikro-orm/core";
import type { AppConfig } from "../config.js";
import { ormOptions } from "./orm.options.js";
import { StartupLockTimeout, withStartupLock } from "./startup-lock.js";

export type Orm = MikroORM;

/**
 * What a connecting process does about migrations: "apply" the pending ones (under the startup
 * lock, so replicas started together migrate once), "await" another process applying them (the
 * migration Job, with MIGRATE_ON_START=false), or "none" (operator commands that only read).
 */
export type MigrationMode = "apply" | "await" | "none";

/** Connects and settles the migrations, so a started server always has the schema it expects. */
export async function initOrm(config: AppConfig, options: { migrations?: MigrationMode; onWaiting?: (pending: string[]) => void } = {}): Promise<Orm> {
  if (config.database.kind === "sqlite") {
    const { mkdirSync } = await import("node:fs");
    const { dirname } = await import("node:path");
    mkdirSync(dirname(config.database.file), { recursive: true });
  }
  const orm = await MikroORM.init(ormOptions(config));
  try {
    const mode = options.migrations ?? "apply";
    if (mode === "apply") await applyMigrations(orm, config);
    if (mode === "await") await awaitMigrations(orm, config, options.onWaiting);
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}

/**
 * Applies the pending migrations holding the startup lock: of replicas started together on one
 * database, one migrates and the others wait for the lock (MIGRATIONS_WAIT_SECONDS), then find
 * nothing pending. Returns the names applied.
 */
export async function applyMigrations(orm: Orm, config: AppConfig): Promise<string[]> {
  return withStartupLock(config.database, config.migrations.waitSeconds, async () => {
    if (config.database.kind === "sqlite") return (await orm.getMigrator().up()).map((m) => m.name);
    // Its own connection, without the request deadlines of the pool (session-limits.ts): an ALTER
    // of a large table may rightly take longer than a request's statement timeout.
    const migrating = await MikroORM.init(ormOptions(config, { pool: { min: 0, max: 1 } }));
    try {
      return (await migrating.getMigrator().up()).map((m) => m.name);
    } finally {
      await migrating.close(true);
    }
  });
}

/** How often a server waiting on the migration Job looks again while nobody is migrating. */
const AWAIT_POLL_MS = 500;

/**
 * Waits until another process has applied every migration (MIGRATE_ON_START=false: a Job or an
 * init container migrates), at most MIGRATIONS_WAIT_SECONDS. Each look is taken under the
 * startup lock, so it waits out a migration in progress and never sees one half done.
 */
export async function awaitMigrations(orm: Orm, config: AppConfig, onWaiting?: (pending: string[]) => void): Promise<void> {
  const { waitSeconds } = config.migrations;
  const deadline = Date.now() + waitSeconds * 1000;
  let told = false;
  for (;;) {
    const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    let pending: string[];
    try {
      pending = await withStartupLock(config.database, left, async () => (await orm.getMigrator().getPendingMigrations()).map((m) => m.name));
    } catch (error) {
      if (error instanceof StartupLockTimeout) throw new MigrationsNotApplied(waitSeconds, ["(a migration was still running)"]);
      throw error;
    }
    if (!pending.length) return;
    if (Date.now() >= deadline) throw new MigrationsNotApplied(waitSeconds, pending);
    if (!told) onWaiting?.(pending);
    told = true;
    await sleep(Math.min(AWAIT_POLL_MS, Math.max(0, deadline - Date.now())));
  }
}

/** MIGRATE_ON_START=false and the migrations were not applied within MIGRATIONS_WAIT_SECONDS. */
export class MigrationsNotApplied extends Error {
  constructor(waitSeconds: number, pending: string[]) {
    super(
      `The database migrations were not applied within ${waitSeconds} s (MIGRATE_ON_START=false; pending: ${pending.join(", ")}). ` +
        "Run the migration Job (`deskql migrate`), or set MIGRATE_ON_START=true, or raise MIGRATIONS_WAIT_SECONDS.",
    );
    this.name = "MigrationsNotApplied";
  }
}

/** True when the database answers and no committed migration is pending. */
export async function isDatabaseReady(orm: Orm): Promise<boolean> {
  try {
    if (!(await orm.isConnected())) return false;
    return (await pendingMigrations(orm)).length === 0;
  } catch {
    return false;
  }
}

/**
 * The committed migrations the database has not recorded, read without writing anything. The
 * migrator's own check (getPendingMigrations) first creates a missing database and migrations
 * table (SchemaGenerator.ensureDatabase, MigrationStorage.ensureTable): a readiness probe through
 * it recreated a dropped database, empty, and reported "migrations_pending" instead of unavailable.
 */
export async function pendingMigrations(orm: Orm): Promise<string[]> {
  const { tableName, migrationsList } = orm.config.get("migrations");
  const rows: { name: string }[] = await orm.em.fork().getConnection().execute(`select name from ${tableName ?? "mikro_orm_migrations"}`);
  // MikroORM records names without the file extension; older rows may carry one.
  const applied = new Set(rows.map((row) => row.name.replace(/\.[jt]s$/, "")));
  return (migrationsList ?? []).map((migration) => migration.name).filter((name) => !applied.has(name));
}
