import "reflect-metadata";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type AppConfig } from "../src/config.js";
import { startServer, type RunningServer } from "../src/server/start.js";
import { openBenchDatabase, type BenchDatabase } from "./database.js";

export const BENCH_ADMIN = { email: "bench-admin@deskql.test", password: "bench admin passphrase 42" };

/**
 * The configuration of a server the harness runs in its own process (to count its statements or
 * drive its jobs directly): development mode, files under `dir`, no client, no scheduled jobs, and,
 * as the tests, transactions not cut for a busy shared machine's load. `env` adds or overrides.
 */
export function benchServerConfig(dir: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: "development",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: join(dir, "data"),
    TLS_CERT_FILE: join(dir, "ssl/cert.pem"),
    TLS_KEY_FILE: join(dir, "ssl/key.pem"),
    ADMIN_EMAIL: BENCH_ADMIN.email,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    CLIENT_DIR: join(dir, "no-client"),
    LOG_LEVEL: "warn",
    JOBS_ENABLED: "false",
    DATABASE_TRANSACTION_TIMEOUT_MS: "25000",
    DATABASE_STATEMENT_TIMEOUT_MS: "20000",
    ...env,
  });
}

/**
 * Runs `work` against an in-process server on the embedded database (`kind` "embedded") or a
 * throwaway MariaDB (`kind` "mariadb", or BENCH_DATABASE_URL), and removes everything afterwards.
 * `database` names the database for the report.
 */
export async function withInProcessServer<T>(kind: string, name: string, work: (server: RunningServer, database: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `deskql-bench-${name}-`));
  let db: BenchDatabase | undefined;
  let server: RunningServer | undefined;
  try {
    if (kind === "mariadb") db = await openBenchDatabase(process.env.BENCH_DATABASE_URL);
    mkdirSync(join(dir, "data"), { recursive: true });
    server = await startServer(benchServerConfig(dir, db ? { DATABASE_URL: db.url } : {}));
    return await work(server, db ? `MariaDB ${db.version}` : "embedded (SQLite, libsql)");
  } finally {
    await server?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
