import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.js";
import { startServer, type RunningServer } from "../../src/server/start.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { testDialect, type TestDialect } from "./dialect.js";
import { httpsRequest, type HttpResponse } from "./http-client.js";

export const ADMIN_EMAIL = "admin@deskql.test";
export const ADMIN_PASSWORD = "the boss passphrase for tests 1";
export const DEFAULT_PASSWORD = "a perfectly fine passphrase 7";

export interface GraphQLResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface TestServer {
  url: string;
  server: RunningServer;
  /** The MariaDB database of this server (null on the embedded database). */
  db: TestDatabase | null;
  /** Which database the server runs on. */
  dialect: TestDialect;
  /** Env for startTestServer that points a second server at this server's database. */
  databaseEnv: Record<string, string>;
  ca: Buffer;
  /** POST /graphql; `token` becomes `Authorization: Bearer`. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string | null, headers?: Record<string, string>): Promise<GraphQLResult<T>>;
  /** The raw HTTP exchange, for status codes and headers. */
  http<T = unknown>(path: string, options?: { method?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<HttpResponse<T>>;
  login(email: string, password: string): Promise<{ accessToken: string; refreshToken: string; userId: string }>;
  /** Registers a user and, for staff roles, promotes it through the admin API. */
  createUser(role?: "CUSTOMER" | "AGENT" | "ADMIN", name?: string): Promise<{ id: string; email: string; password: string; token: string; refreshToken: string }>;
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

let userCounter = 0;

const deadlinesUnset = (env: Record<string, string> = {}) =>
  !["REQUEST_TIMEOUT_MS", "DATABASE_TRANSACTION_TIMEOUT_MS", "DATABASE_STATEMENT_TIMEOUT_MS"].some((name) => name in env);

/**
 * Boots the real server over HTTPS on a free port, against a fresh database of the vitest
 * project's dialect (tests/support/dialect.ts): a new MariaDB database, or an embedded SQLite
 * file in the server's own data folder. `embedded` forces SQLite; an env with DATABASE_URL or
 * DATA_DIR (another server's `databaseEnv`) shares that server's database.
 */
export async function startTestServer(options: { env?: Record<string, string>; embedded?: boolean } = {}): Promise<TestServer> {
  const shared = options.env?.DATABASE_URL !== undefined || options.env?.DATA_DIR !== undefined;
  const dialect: TestDialect = options.embedded ? "sqlite" : options.env?.DATABASE_URL ? "mariadb" : testDialect();
  const db = dialect === "mariadb" && !shared ? await createTestDatabase() : null;
  const dir = mkdtempSync(join(tmpdir(), "deskql-test-"));
  const dataDir = options.env?.DATA_DIR ?? join(dir, "data");
  const config = loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: dataDir,
    TLS_CERT_FILE: join(dir, "ssl/cert.pem"),
    TLS_KEY_FILE: join(dir, "ssl/key.pem"),
    ...(db ? { DATABASE_URL: db.url } : {}),
    ...(dialect === "mariadb" ? { DATABASE_POOL_MAX: "5" } : {}),
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent", // TEST_LOG_LEVEL=error shows masked errors
    // Suites register many users from one IP; the limits have their own tests.
    RATE_LIMIT_LOGIN_PER_MINUTE: "10000",
    RATE_LIMIT_REGISTER_PER_MINUTE: "10000",
    CLIENT_DIR: join(dir, "no-client"),
    // No scheduled job runs (ticket life cycle, purges) unless a suite asks: a tick landing in a
    // test that moved the clock by days would close or remind its tickets behind its back.
    JOBS_ENABLED: "false",
    // Fixtures write dozens of rows in one transaction while two suites share two cores: the
    // production deadlines (10 s, 5 s) would cut them for the machine's load, not for a fault.
    // The deadlines have their own tests (tests/integration/faults), which set their own.
    ...(deadlinesUnset(options.env) ? { DATABASE_TRANSACTION_TIMEOUT_MS: "25000", DATABASE_STATEMENT_TIMEOUT_MS: "20000" } : {}),
    ...options.env,
  });
  const server = await startServer(config);
  const ca = readFileSync(config.tls.certFile);
  const url = `https://localhost:${server.port}`;

  const http: TestServer["http"] = (path, opts = {}) => httpsRequest(`${url}${path}`, { ...opts, ca });
  const gql: TestServer["gql"] = async (query, variables, token, headers) => {
    const res = await http<GraphQLResult<any>>("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    if (typeof res.body !== "object") throw new Error(`Non-JSON GraphQL response (${res.status}): ${res.text.slice(0, 300)}`);
    return res.body;
  };
  const login: TestServer["login"] = async (email, password) => {
    const res = await gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken user { id } } }`, { i: { email, password } });
    if (!res.data?.login) throw new Error(`login failed: ${JSON.stringify(res.errors)}`);
    return { accessToken: res.data.login.accessToken, refreshToken: res.data.login.refreshToken, userId: res.data.login.user.id };
  };
  let adminAccess: string | undefined;
  const adminToken = async () => (adminAccess ??= (await login(ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken);
  const createUser: TestServer["createUser"] = async (role = "CUSTOMER", name) => {
    const n = ++userCounter;
    const email = `user${n}.${Math.random().toString(36).slice(2, 8)}@example.test`;
    const reg = await gql(`mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken user { id } } }`, {
      i: { email, password: DEFAULT_PASSWORD, displayName: name ?? `${role.toLowerCase()} ${n}` },
    });
    if (!reg.data?.register) throw new Error(`register failed: ${JSON.stringify(reg.errors)}`);
    const id = reg.data.register.user.id as string;
    if (role !== "CUSTOMER") {
      const res = await gql(`mutation($id: ID!, $r: Role!) { setUserRole(userId: $id, role: $r) { id } }`, { id, r: role }, await adminToken());
      if (res.errors) throw new Error(`setUserRole failed: ${JSON.stringify(res.errors)}`);
    }
    return { id, email, password: DEFAULT_PASSWORD, token: reg.data.register.accessToken, refreshToken: reg.data.register.refreshToken };
  };

  return {
    url,
    server,
    db,
    dialect,
    databaseEnv: config.database.kind === "mysql" ? { DATABASE_URL: config.database.url } : { DATA_DIR: dataDir },
    ca,
    gql,
    http,
    login,
    createUser,
    adminToken,
    async close() {
      await server.close();
      await db?.drop();
      // The embedded database's files can still be settling as close() returns (a CI run once
      // saw ENOTEMPTY here after every test had passed): Node retries the removal a few times.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}
