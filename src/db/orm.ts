import { MikroORM } from "@mikro-orm/core";
import type { AppConfig } from "../config.js";
import { ormOptions } from "./orm.options.js";

export type Orm = MikroORM;

/** Connects and applies committed migrations, so a started server always has the schema it expects. */
export async function initOrm(config: AppConfig, options: { migrate?: boolean } = {}): Promise<Orm> {
  if (config.database.kind === "sqlite") {
    const { mkdirSync } = await import("node:fs");
    const { dirname } = await import("node:path");
    mkdirSync(dirname(config.database.file), { recursive: true });
  }
  const orm = await MikroORM.init(ormOptions(config));
  if (options.migrate ?? true) await orm.getMigrator().up();
  return orm;
}

/** True when the database answers and no committed migration is pending. */
export async function isDatabaseReady(orm: Orm): Promise<boolean> {
  try {
    if (!(await orm.isConnected())) return false;
    const pending = await orm.getMigrator().getPendingMigrations();
    return pending.length === 0;
  } catch {
    return false;
  }
}
