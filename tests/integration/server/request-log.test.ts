import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../../support/server.js";
import { startOwnServer, type OwnServer } from "./own-server.js";

/**
 * The server's JSON log, captured through a logger passed to startServer. No redaction is
 * configured on this logger: the log must be free of secrets by construction, not by filter.
 */
const lines: Record<string, any>[] = [];
const raw: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
      raw.push(line);
      lines.push(JSON.parse(line));
    }
    done();
  },
});

const PASSWORD = "a logged-never passphrase 12";
const NEW_PASSWORD = "another logged-never passphrase 34";
const secrets: string[] = [PASSWORD, NEW_PASSWORD, ADMIN_PASSWORD];

let s: OwnServer;
beforeAll(async () => {
  s = await startOwnServer({ logger: pino({ level: "info" }, sink) });
});
afterAll(() => s?.dispose());

const requestLines = () => lines.filter((l) => l.msg === "request");
const lineFor = (requestId: string | string[] | undefined) => requestLines().find((l) => l.requestId === requestId);

describe("request log", () => {
  it("writes one line per request with its id, operation, status and duration", async () => {
    const res = await s.gql(`query WhoAmI { me { id } }`, {}, null, { operationName: "WhoAmI" });
    await new Promise((r) => setTimeout(r, 50));
    const matching = requestLines().filter((l) => l.requestId === res.headers["x-request-id"]);
    expect(matching).toHaveLength(1);
    expect(matching[0]).toMatchObject({ method: "POST", url: "/graphql", operation: "WhoAmI", status: 200, durationMs: expect.any(Number) });
  });

  it("names the operation from the document when the client does not send operationName", async () => {
    const res = await s.gql(`query ListMyself { me { id } }`);
    await new Promise((r) => setTimeout(r, 50));
    expect(lineFor(res.headers["x-request-id"])).toMatchObject({ operation: "ListMyself", status: 200 });
  });

  it("counts the SQL statements of each request", async () => {
    const login = await s.gql(LOGIN, { i: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    await new Promise((r) => setTimeout(r, 50));
    expect(lineFor(login.headers["x-request-id"])!.sqlStatements).toBeGreaterThan(0);
  });

  it("logs non-GraphQL requests too, with their status", async () => {
    const res = await s.http("/nowhere");
    await new Promise((r) => setTimeout(r, 50));
    expect(lineFor(res.headers["x-request-id"])).toMatchObject({ method: "GET", url: "/nowhere", status: 404 });
  });
});

describe("secrets", () => {
  it("never appear in the log: passwords, access tokens, refresh tokens, cookies", async () => {
    const email = `logged.${Date.now()}@example.test`;
    const reg = await s.gql(REGISTER, { i: { email, password: PASSWORD, displayName: "Logged" } });
    const tokens = reg.body.data.register;
    await s.gql(LOGIN, { i: { email, password: "a wrong passphrase to log" } });
    secrets.push("a wrong passphrase to log");
    const login = (await s.gql(LOGIN, { i: { email, password: PASSWORD } }, null, { headers: { "x-refresh-cookie": "1" } }));
    const cookie = String([login.headers["set-cookie"]].flat()[0]).split(";")[0]!;
    const refreshed = await s.http("/auth/refresh", { method: "POST", headers: { "content-type": "application/json", cookie }, body: "{}" });
    await s.gql(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`, { c: PASSWORD, n: NEW_PASSWORD }, tokens.accessToken);
    await s.gql(`mutation($t: String) { logout(refreshToken: $t) }`, { t: tokens.refreshToken });
    await s.gql(`{ me { id } }`, {}, `${tokens.accessToken}x`); // a rejected token
    await s.gql(`mutation { login(input: { email: "${email}", password: "${PASSWORD}" }) { accessToken } }`); // inlined in the document
    await s.gql(`{ me { id } }`, {}, null, { headers: { authorization: "Basic c2VjcmV0OnBhc3M=" } });
    await new Promise((r) => setTimeout(r, 100));

    const everything = raw.join("\n");
    for (const secret of [...secrets, tokens.accessToken, tokens.refreshToken, tokens.refreshToken.slice(6), login.body.data.login.accessToken, cookie, refreshed.body.accessToken, "c2VjcmV0OnBhc3M="]) {
      expect(everything, `log contains ${secret.slice(0, 12)}…`).not.toContain(secret);
    }
    // The access token's signature alone would be enough to replay it.
    expect(everything).not.toContain(tokens.accessToken.split(".")[2]);
  });
});

describe("unexpected errors", () => {
  it("are masked for the client and logged with the request id", async () => {
    const admin = (await s.gql(LOGIN, { i: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).body.data.login.accessToken;
    const sql = s.server.orm.em.fork().getConnection();
    await sql.execute("alter table audit_events rename to audit_events_hidden"); // MySQL and SQLite alike
    let res;
    try {
      res = await s.gql(`{ auditEvents(first: 1) { nodes { id } } }`, {}, admin);
    } finally {
      await sql.execute("alter table audit_events_hidden rename to audit_events");
    }
    expect(res.status).toBe(200);
    expect(res.body.errors[0]).toEqual({ message: "Internal server error. The incident was logged.", path: ["auditEvents"], extensions: { code: "INTERNAL_SERVER_ERROR" } });
    expect(res.text).not.toMatch(/audit_events|select|stack|\.ts:/i);

    await new Promise((r) => setTimeout(r, 50));
    const requestId = res.headers["x-request-id"];
    const errorLine = lines.find((l) => l.level >= 50 && l.requestId === requestId);
    expect(errorLine, "an error line carrying the request id").toBeDefined();
    expect(JSON.stringify(errorLine)).toMatch(/audit_events/); // the operator sees the cause
  });
});

const REGISTER = `mutation Register($i: RegisterInput!) { register(input: $i) { accessToken refreshToken } }`;
const LOGIN = `mutation SignIn($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }`;
