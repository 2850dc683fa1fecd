import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Options } from "@mikro-orm/core";
import { LibSqlDriver } from "@mikro-orm/libsql";
import { Migrator } from "@mikro-orm/migrations";
import { MySqlDriver } from "@mikro-orm/mysql";
import { SeedManager } from "@mikro-orm/seeder";
import type { AppConfig } from "../config.js";
import { entities } from "./entities.js";
import { migrationsFor } from "./migrations/index.js";

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
  };
  if (config.database.kind === "mysql") {
    return {
      ...base,
      driver: MySqlDriver,
      clientUrl: config.database.url,
      pool: { min: 0, max: config.database.poolMax },
      driverOptions: { connection: { timezone: "Z", supportBigNumbers: true } },
      ...overrides,
    } as Options;
  }
  return {
    ...base,
    driver: LibSqlDriver,
    dbName: config.database.file,
    ...overrides,
  } as Options;
}

