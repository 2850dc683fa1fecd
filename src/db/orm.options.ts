import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DateTimeType, type EntityMetadata, type Options } from "@mikro-orm/core";
import { LibSqlDriver } from "@mikro-orm/libsql";
import { Migrator } from "@mikro-orm/migrations";
import { MySqlDriver } from "@mikro-orm/mysql";
import { SeedManager } from "@mikro-orm/seeder";
import type { AppConfig } from "../config.js";
import { entities } from "./entities.js";
import { migrationsFor } from "./migrations/index.js";
import { sessionLimitsHook } from "./session-limits.js";

// Works from src/ (tests) and dist/src/ (built): both hold db/migrations and db/seeders beside this file.
const here = dirname(fileURLToPath(import.meta.url));

/**
 * MikroORM options for the configured database: MySQL/MariaDB when DATABASE_URL is set, else an
 * embedded SQLite file. Each dialect has its own committed migrations folder.
 */
export function ormOptions(config: AppConfig, overrides: Partial<Options> = {}): Options {
  const dialect = config.database.kind;
  const migrationsPath = join(here, "migrations", dialect);
  const base: Options = {
    entities,
    extensions: [Migrator, SeedManager],
    // Every request forks its own EntityManager; touching the global one is a bug.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: config.database.debug,
    migrations: {
      path: migrationsPath,
      pathTs: migrationsPath,
      // An explicit list, not a folder glob: the same classes load under Vitest, the CLI and dist/.
      migrationsList: migrationsFor(dialect),
      tableName: "mikro_orm_migrations",
      // MySQL commits implicitly around DDL, so a transaction there only hides that; SQLite's DDL is transactional.
      transactional: dialect === "sqlite",
      allOrNothing: dialect === "sqlite",
      silent: true,
      snapshot: false,
      emit: "ts",
      fileName: (timestamp: string, name?: string) => `Migration${timestamp}${name ? `_${name}` : ""}`,
    },
    seeder: { path: join(here, "seeders"), defaultSeeder: "DemoDeskSeeder" },
    discovery: { onMetadata: datetimesCompareAsDates },
  };
  if (config.database.kind === "mysql") {
    return {
      ...base,
      driver: MySqlDriver,
      clientUrl: config.database.url,
      // Deadlines on every connection (session-limits.ts); a request waits for a pooled or a new one only so long.
      pool: { min: 0, max: config.database.poolMax, acquireTimeoutMillis: config.databaseLimits.acquireTimeoutMs, afterCreate: sessionLimitsHook(config.databaseLimits) },
      driverOptions: {
        connection: { timezone: "Z", supportBigNumbers: true, connectTimeout: config.databaseLimits.acquireTimeoutMs },
        // knex prints a dropped connection ("Connection Error: ...") to the console once per pooled connection;
        // an outage is reported once, by the server (server/outage.ts).
        log: { warn: () => {}, error: () => {}, deprecate: () => {}, debug: () => {} },
      },
      ...overrides,
    } as Options;
  }
  return {
    ...base,
    driver: LibSqlDriver,
    dbName: config.database.file,
    driverOptions: { pool: { afterCreate: waitWhileLocked } },
    ...overrides,
  } as Options;
}

/** How long a statement on the embedded database waits for another process's write lock (the CLI beside a running server, a backup). */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * libsql opens connections with no busy timeout, so a commit that met another process's write
 * (`deskql jobs run` beside the server) failed at once with SQLITE_BUSY; SQLite's own remedy is
 * to wait for the lock a while.
 */
function waitWhileLocked(connection: { exec(sql: string): unknown }, done: (error: Error | null, connection: unknown) => void): void {
  try {
    connection.exec(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    done(null, connection);
  } catch (error) {
    done(error as Error, connection);
  }
}


/**
 * Our entities declare `type: "datetime"`. MikroORM 6 treats only `Date`/`DateTimeType` as a
 * date when it diffs a loaded row (mikro-orm#4391): a "datetime" string property is compared with
 * `equals()`. On libsql the snapshot holds the epoch number (BaseSqlitePlatform's
 * processDateProperty) while the loaded data holds a Date, so every datetime of every row read
 * looked changed, and a transaction's closing flush wrote back what it had read over what a
 * nativeUpdate had just set (a refresh's lastActiveAt, a reset's lifted lockout). As the
 * DateTimeType class they compare by value, and the columns stay `datetime(3)`/`datetime`.
 */
function datetimesCompareAsDates(meta: EntityMetadata): void {
  for (const prop of Object.values(meta.properties)) {
    if (typeof prop.type === "string" && prop.type.toLowerCase() === "datetime") prop.type = DateTimeType as unknown as string;
  }
}
