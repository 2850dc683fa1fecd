import type { MigrationObject } from "@mikro-orm/core";
import { mysqlMigrations } from "./mysql/index.js";
import { sqliteMigrations } from "./sqlite/index.js";

/** Committed migrations per dialect; `npm run db:migration:create` regenerates the per-folder lists. */
export function migrationsFor(dialect: "mysql" | "sqlite"): MigrationObject[] {
  return dialect === "mysql" ? mysqlMigrations : sqliteMigrations;
}
