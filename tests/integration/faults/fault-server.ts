import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { loadConfig, type AppConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/server/logger.js";
import { startServer, type RunningServer } from "../../../src/server/start.js";
import { withAdminConnection } from "../../support/admin-connection.js";
import { httpsRequest, type HttpResponse } from "../../support/http-client.js";
import { startMariaDb, type MariaDbServer } from "../../support/mariadb.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../../support/server.js";

/** Short deadlines so a frozen database shows within a second or two, not the production 5-10 s. */
export const FAULT_ENV = {
  DATABASE_STATEMENT_TIMEOUT_MS: "600",
  DATABASE_TRANSACTION_TIMEOUT_MS: "1500",
  DATABASE_ACQUIRE_TIMEOUT_MS: "1000",
  REQUEST_TIMEOUT_MS: "5000",
  RETRY_AFTER_SECONDS: "2",
};

/**
 * A server on a MariaDB of its own (so the test can freeze, kill and restart it), logging to
 * memory: `logs` holds every line written.
 */
export interface FaultServer {
  mariadb: MariaDbServer;
  config: AppConfig;
  server: RunningServer;
  ca: Buffer;
  databaseUrl: string;
  logs: string[];
  http<T = any>(path: string, options?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<HttpResponse<T>>;
  gql(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<HttpResponse<any>>;
  /** Runs SQL on the test database over a connection of its own. */
  sql<T = any>(query: string, values?: unknown[]): Promise<T[]>;
  dispose(): Promise<void>;
}

export async function startFaultServer(env: Record<string, string> = {}): Promise<FaultServer> {
  const mariadb = await startMariaDb();
  await withAdminConnection(mariadb.url, async (c) => {
    await c.query("CREATE DATABASE deskql_faults CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    // The throwaway server trades durability for speed; these tests kill it and count what survived.
    await c.query("SET GLOBAL innodb_flush_log_at_trx_commit = 1");
  });
  const databaseUrl = `${mariadb.url}/deskql_faults`;
  const dir = mkdtempSync(join(tmpdir(), "deskql-faults-"));
  const config = loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: join(dir, "data"),
    TLS_CERT_FILE: join(dir, "ssl/cert.pem"),
    TLS_KEY_FILE: join(dir, "ssl/key.pem"),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: "5",
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LOG_LEVEL: "info",
    RATE_LIMIT_LOGIN_PER_MINUTE: "10000",
    RATE_LIMIT_REGISTER_PER_MINUTE: "10000",
    CLIENT_DIR: join(dir, "no-client"),
    ...FAULT_ENV,
    ...env,
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const server = await startServer(config, { logger: createLogger(config, destination) });
  const ca = readFileSync(config.tls.certFile);
  const url = `https://localhost:${server.port}`;
  const http: FaultServer["http"] = (path, opts = {}) => httpsRequest(`${url}${path}`, { ...opts, ca });
  return {
    mariadb,
    config,
    server,
    ca,
    databaseUrl,
    logs,
    http,
    gql: (query, variables = {}, token = null) =>
      http("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      }),
    sql: (query, values) =>
      withAdminConnection(mariadb.url, async (c) => {
        await c.query("USE deskql_faults");
        return (await c.query(query, values))[0] as any[];
      }),
    async dispose() {
      mariadb.resume();
      await server.close().catch(() => {});
      await mariadb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
