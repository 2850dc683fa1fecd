import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onSqlite } from "../../support/dialect.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../../support/server.js";
import { startFaultServer, until, type FaultServer } from "./fault-server.js";

/**
 * The database killed, frozen and restarted under a running server: every request is answered
 * 503 SERVICE_UNAVAILABLE with Retry-After or done, nothing is done after its client was told
 * it was not, and the log says so in a few lines without a single SQL value.
 */
let s: FaultServer;
let token: string;
let refreshCookie: string;
const SECRET_BODY = "a description only the database should ever see 7f3a";

beforeAll(async () => {
  if (onSqlite) return;
  s = await startFaultServer();
  const login = await s.http("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", "x-refresh-cookie": "1" },
    body: JSON.stringify({ query: LOGIN, variables: { i: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } } }),
  });
  token = login.body.data.login.accessToken;
  refreshCookie = String(login.headers["set-cookie"]).split(";")[0]!;
  const created = await s.gql(CREATE_TICKET, { i: { subject: "before the outage", description: SECRET_BODY } }, token);
  expect(created.body.errors).toBeUndefined();
});

afterAll(async () => {
  await s?.dispose();
});

const expectUnavailable = (res: { status: number; headers: Record<string, unknown>; body: any }) => {
  expect(res.status).toBe(503);
  expect(res.headers["retry-after"]).toBe("2");
  expect(res.body.errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
  expect(JSON.stringify(res.body)).not.toMatch(/select|insert|ECONN|stack/i);
};

// A MariaDB server of the test's own, to kill and freeze: not on the embedded database.
describe.skipIf(onSqlite)("a database that is killed", () => {
  it("answers 503 SERVICE_UNAVAILABLE with Retry-After on every route, /ready within a second, and recovers when it is back", async () => {
    const logsBefore = s.logs.length;
    await s.mariadb.kill();

    expectUnavailable(await s.gql(TICKETS, {}, token));
    expectUnavailable(await s.gql(CREATE_TICKET, { i: { subject: "during the outage", description: SECRET_BODY } }, token));
    expectUnavailable(await s.http("/export/tickets.csv", { headers: { authorization: `Bearer ${token}` } }));
    expectUnavailable(await s.http("/auth/refresh", { method: "POST", headers: { "content-type": "application/json", cookie: refreshCookie }, body: "{}" }));
    // A sign-in (no token: the first database read is in the resolver) too.
    expectUnavailable(await s.gql(LOGIN, { i: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }));

    const started = Date.now();
    const ready = await s.http("/ready");
    expect(ready.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await s.http("/health")).status).toBe(200);

    for (let i = 0; i < 20; i++) expectUnavailable(await s.gql(TICKETS, {}, token));

    // The outage is logged as one warning, never with SQL or what the rows hold.
    const outageLogs = s.logs.slice(logsBefore);
    // The event tail (db/event-tail.ts) still logs each failed poll: not a request path, tracked separately.
    const warnings = outageLogs.filter((line) => JSON.parse(line).level >= 40 && !line.includes("could not read the events table"));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThanOrEqual(3);
    for (const line of outageLogs) {
      expect(line).not.toContain(SECRET_BODY);
      expect(line).not.toContain(ADMIN_EMAIL);
      expect(line).not.toMatch(/insert into|select .* from/i);
    }

    await s.mariadb.restart();
    await until(async () => (await s.gql(TICKETS, {}, token)).status === 200, 20_000, "the first success after the restart");
    await until(async () => (await s.http("/ready")).status === 200, 10_000, "ready again");
    const after = await s.gql(CREATE_TICKET, { i: { subject: "after the outage", description: "back" } }, token);
    expect(after.body.errors).toBeUndefined();
    // The write refused during the outage was never done.
    expect(await s.sql("select subject from tickets where subject = 'during the outage'")).toEqual([]);
    expect(s.logs.slice(logsBefore).some((line) => line.includes("database reachable again"))).toBe(true);
  });
});

describe.skipIf(onSqlite)("a database that freezes under load", () => {
  it("answers each write either done or 503, and nothing answered 503 is committed once it thaws", async () => {
    const subjects = Array.from({ length: 16 }, (_, i) => `frozen write ${i}`);
    const answers: Promise<{ subject: string; status: number; code?: string; reason?: string }>[] = [];
    for (const [i, subject] of subjects.entries()) {
      answers.push(
        s.gql(CREATE_TICKET, { i: { subject, description: SECRET_BODY } }, token).then((res) => ({
          subject,
          status: res.status,
          code: res.body?.errors?.[0]?.extensions?.code,
          reason: res.body?.errors?.[0]?.extensions?.reason,
        })),
      );
      if (i === 5) s.mariadb.pause();
    }
    const results = await Promise.all(answers);
    s.mariadb.resume();

    for (const result of results) {
      if (result.status === 200) expect(result.code).toBeUndefined();
      else {
        expect(result.status).toBe(503);
        expect(result.code).toBe("SERVICE_UNAVAILABLE");
      }
    }
    expect(results.some((r) => r.status === 503)).toBe(true);

    // Once the connections the server gave up on are gone, only the answered writes exist.
    await until(async () => (await s.sql("select count(*) as n from information_schema.innodb_trx"))[0].n === 0, 10_000, "open transactions to end");
    await until(async () => (await s.gql(TICKETS, {}, token)).status === 200, 10_000, "the server to serve again");
    const stored = new Set((await s.sql<{ subject: string }>("select subject from tickets where subject like 'frozen write %'")).map((r) => r.subject));
    for (const result of results) {
      if (result.status === 200) expect(stored.has(result.subject), result.subject).toBe(true);
      else if (result.reason !== "outcome_unknown") expect(stored.has(result.subject), result.subject).toBe(false);
    }
  });
});

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
const CREATE_TICKET = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`;
const TICKETS = `{ tickets(first: 5) { nodes { id subject } } }`;
