import { existsSync, rmSync } from "node:fs";
import type { AppConfig } from "../../config.js";
import { initOrm } from "../../db/orm.js";

type SqliteDatabase = Extract<AppConfig["database"], { kind: "sqlite" }>;

/**
 * A consistent copy of the embedded database while the server runs: SQLite's `VACUUM INTO`
 * reads one snapshot (a read transaction) and writes a compact copy, as the online backup API
 * does. Returns the migrations that copy has applied.
 */
export async function snapshotSqlite(config: AppConfig, database: SqliteDatabase, file: string): Promise<string[]> {
  const orm = await initOrm(config, { migrations: "none" });
  try {
    const connection = orm.em.fork().getConnection();
    await connection.execute(`VACUUM INTO '${file.replace(/'/g, "''")}'`, [], "run");
    const rows: { name: string }[] = await connection.execute("select name from mikro_orm_migrations order by id").catch(() => []);
    return rows.map((row) => row.name.replace(/\.[jt]s$/, ""));
  } finally {
    await orm.close(true);
  }
}

/** How many users the embedded database holds (0 when it does not exist or was never migrated). */
export async function sqliteUsers(config: AppConfig, database: SqliteDatabase): Promise<number> {
  if (!existsSync(database.file)) return 0;
  const orm = await initOrm(config, { migrations: "none" });
  try {
    const rows: { n: number }[] = await orm.em.fork().getConnection().execute("select count(*) as n from users").catch(() => [{ n: 0 }]);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await orm.close(true);
  }
}

/** Removes the embedded database and its journal files, before the archive's copy takes its place. */
export function removeSqlite(database: SqliteDatabase): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${database.file}${suffix}`, { force: true });
}
