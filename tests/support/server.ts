import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.js";
import { startServer, type RunningServer } from "../../src/server/start.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
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
  db: TestDatabase | null;
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

/**
 * Boots the real server over HTTPS on a free port, against a fresh MariaDB database (or the
 * embedded SQLite when `embedded` is set), with its own data folder and certificate.
 */
export async function startTestServer(options: { env?: Record<string, string>; embedded?: boolean } = {}): Promise<TestServer> {
  const db = options.embedded ? null : await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), "deskql-test-"));
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
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent", // TEST_LOG_LEVEL=error shows masked errors
    // Suites register many users from one IP; the limits have their own tests.
    RATE_LIMIT_LOGIN_PER_MINUTE: "10000",
    RATE_LIMIT_REGISTER_PER_MINUTE: "10000",
    CLIENT_DIR: join(dir, "no-client"),
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
    ca,
    gql,
    http,
    login,
    createUser,
    adminToken,
    async close() {
      await server.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
