import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { loadConfig, type AppConfig } from "../../../src/config.js";
import { startServer, type RunningServer } from "../../../src/server/start.js";
import type { ServerTuning } from "../../../src/server/tuning.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { testDialect } from "../../support/dialect.js";
import { httpsRequest, type HttpResponse } from "../../support/http-client.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../../support/server.js";

/**
 * A server started with `startServer` directly, for tests that need what startTestServer does
 * not offer: their own logger, the benchmark's tuning, or control over the process around it
 * (shutdown, a broken database).
 */
export interface OwnServer {
  config: AppConfig;
  server: RunningServer;
  /** The MariaDB database (null in the "sqlite" project: the embedded file in the data folder). */
  db: TestDatabase | null;
  ca: Buffer;
  http<T = any>(path: string, options?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<HttpResponse<T>>;
  gql(query: string, variables?: Record<string, unknown>, token?: string | null, extra?: { headers?: Record<string, string>; operationName?: string }): Promise<HttpResponse<any>>;
  /** Stops the server (if the test did not) and drops the database. */
  dispose(): Promise<void>;
}

export async function startOwnServer(options: { logger?: Logger; env?: Record<string, string>; tuning?: ServerTuning } = {}): Promise<OwnServer> {
  const db = testDialect() === "mariadb" ? await createTestDatabase() : null;
  const dir = mkdtempSync(join(tmpdir(), "deskql-own-"));
  const config = loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: join(dir, "data"),
    TLS_CERT_FILE: join(dir, "ssl/cert.pem"),
    TLS_KEY_FILE: join(dir, "ssl/key.pem"),
    ...(db ? { DATABASE_URL: db.url, DATABASE_POOL_MAX: "5" } : {}),
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LOG_LEVEL: "silent",
    RATE_LIMIT_LOGIN_PER_MINUTE: "10000",
    RATE_LIMIT_REGISTER_PER_MINUTE: "10000",
    CLIENT_DIR: join(dir, "no-client"),
    ...options.env,
  });
  const server = await startServer(config, { logger: options.logger, tuning: options.tuning });
  const ca = readFileSync(config.tls.certFile);
  const url = `https://localhost:${server.port}`;
  const http: OwnServer["http"] = (path, opts = {}) => httpsRequest(`${url}${path}`, { ...opts, ca });
  return {
    config,
    server,
    db,
    ca,
    http,
    gql: (query, variables = {}, token = null, extra = {}) =>
      http("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra.headers },
        body: JSON.stringify({ query, variables, ...(extra.operationName ? { operationName: extra.operationName } : {}) }),
      }),
    async dispose() {
      await server.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
