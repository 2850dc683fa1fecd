import { existsSync, readdirSync } from "node:fs";
import { ConfigError, loadConfig, type AppConfig } from "../config.js";
import { initOrm, pendingMigrations } from "../db/orm.js";
import { CliError, EXIT } from "./cli-error.js";

/** Where a database URL keeps its password: never printed. */
const withoutPassword = (url: string) => {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
};

/**
 * `deskql check-config [--offline]`: validates the settings as the server would at start, then
 * looks at what the server needs besides them (TLS files, signing keys, the database and its
 * migrations) without starting anything. Exit 78 for a setting, 1 for anything else found wanting.
 */
export async function checkConfig(options: { offline: boolean }): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(`${error.message}\nSee .env.example for every setting.`, EXIT.config);
    throw error;
  }
  const problems: string[] = [];
  const notes: string[] = [];
  notes.push(`NODE_ENV=${config.env}; database: ${config.database.kind === "mysql" ? withoutPassword(config.database.url) : config.database.file}`);

  const tlsPresent = existsSync(config.tls.certFile) && existsSync(config.tls.keyFile);
  if (!tlsPresent && !config.tls.allowSelfSigned) problems.push(`TLS: ${config.tls.certFile} or ${config.tls.keyFile} is missing (production generates none unless ALLOW_SELF_SIGNED_TLS=true)`);
  else notes.push(tlsPresent ? `TLS: ${config.tls.certFile}` : "TLS: a self-signed certificate will be generated at start");

  const keys = existsSync(config.jwt.keysDir) ? readdirSync(config.jwt.keysDir).filter((f) => f.endsWith(".json")) : [];
  if (!keys.length && !config.jwt.allowGeneratedKeys) problems.push(`Signing keys: none in ${config.jwt.keysDir} (create the first with \`deskql keys rotate\`)`);
  else notes.push(keys.length ? `Signing keys: ${keys.length} in ${config.jwt.keysDir}` : `Signing keys: one will be generated in ${config.jwt.keysDir}`);

  if (options.offline) notes.push("Database: not contacted (--offline)");
  else if (config.database.kind === "sqlite" && !existsSync(config.database.file)) notes.push("Database: the embedded database is created at the first start");
  else {
    try {
      const orm = await initOrm(config, { migrations: "none" });
      try {
        const pending = await pendingMigrations(orm).catch(() => null);
        if (pending === null) notes.push("Database: reachable, not migrated yet (`deskql migrate`, or MIGRATE_ON_START)");
        else if (pending.length) notes.push(`Database: reachable; ${pending.length} pending migration(s): ${pending.join(", ")}`);
        else notes.push("Database: reachable, every migration applied");
      } finally {
        await orm.close(true);
      }
    } catch (error) {
      problems.push(`Database: cannot connect (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
    }
  }

  for (const note of notes) console.log(`ok       ${note}`);
  for (const problem of problems) console.log(`PROBLEM  ${problem}`);
  if (problems.length) throw new CliError(`${problems.length} problem(s) found.`, 1);
  console.log("The configuration is valid.");
}
