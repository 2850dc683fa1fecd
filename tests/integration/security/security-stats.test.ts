import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditEvent } from "../../../src/modules/audit/audit-event.entity.js";
import { AuditAction } from "../../../src/modules/audit/audit.actions.js";
import { Session } from "../../../src/modules/auth/session.entity.js";
import { User } from "../../../src/modules/users/user.entity.js";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

let t: TestServer;
let admin: string;
beforeAll(async () => {
  t = await startTestServer();
  admin = await t.adminToken();
});
afterAll(() => t?.close());

const COUNTS = "successfulLogins failedLogins lockouts refreshTokenReuses rateLimitHits";
const STATS = `query($w: SecurityStatsWindow, $r: TimeRangeInput) {
  securityStats(window: $w, range: $r) { from to activeUsers activeSessions lockedAccountsNow ${COUNTS} buckets { start ${COUNTS} } }
}`;
const stats = async (variables: Record<string, unknown>) => {
  const res = await t.gql(STATS, variables, admin);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.securityStats as Record<string, any>;
};
const login = (email: string, password: string) => t.gql(`mutation($i: LoginInput!) { login(input: $i) { refreshToken } }`, { i: { email, password } });

describe("securityStats over live activity", () => {
  it("counts a scripted sequence of sign-ins, failures, a lockout, a token replay and a rate-limit hit", async () => {
    const alice = await t.createUser();
    const bob = await t.createUser();
    const before = await stats({ w: "LAST_HOUR" });

    await login(alice.email, "not alices password");
    await login(alice.email, "still not alices password");
    const session = (await login(alice.email, DEFAULT_PASSWORD)).data!.login;
    for (let i = 0; i < 5; i++) await login(bob.email, "guessing bobs password"); // the fifth locks
    await t.gql(`mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, { t: session.refreshToken });
    // Replayed by another client (the same client's retry within REFRESH_REUSE_GRACE_SECONDS is no reuse).
    await t.gql(`mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, { t: session.refreshToken }, null, { "user-agent": "a replaying thief" });
    for (let i = 0; i < 7; i++) await t.gql(`mutation { resendVerification }`, {}, alice.token); // 5 allowed, then limited (audited once a minute)

    const after = await stats({ w: "LAST_HOUR" });
    const delta = (key: string) => after[key] - before[key];
    expect({
      successfulLogins: delta("successfulLogins"),
      failedLogins: delta("failedLogins"),
      lockouts: delta("lockouts"),
      refreshTokenReuses: delta("refreshTokenReuses"),
      rateLimitHits: delta("rateLimitHits"),
      lockedAccountsNow: delta("lockedAccountsNow"),
    }).toEqual({ successfulLogins: 1, failedLogins: 7, lockouts: 1, refreshTokenReuses: 1, rateLimitHits: 1, lockedAccountsNow: 1 });
    expect(after.activeUsers).toBeGreaterThanOrEqual(2);
    expect(after.activeSessions).toBeGreaterThanOrEqual(after.activeUsers);

    // The hourly buckets add up to the totals.
    for (const key of COUNTS.split(" ")) expect(after.buckets.reduce((sum: number, b: Record<string, number>) => sum + b[key]!, 0)).toBe(after[key]);

    const locked = await t.gql(`{ lockedAccounts(first: 10) { totalCount nodes { id locked lockedUntil } } }`, {}, admin);
    expect(locked.data!.lockedAccounts.nodes).toContainEqual(expect.objectContaining({ id: bob.id, locked: true }));
    expect(locked.data!.lockedAccounts.nodes.map((n: { id: string }) => n.id)).not.toContain(alice.id);
  });
});

/** Writes a fixed sequence of events in January 2020 on `server` and checks its dashboard. */
async function checkFixedRange(server: TestServer, adminToken: string) {
    const em = server.server.orm.em.fork();
    const at = (iso: string, action: AuditAction) => em.persist(Object.assign(new AuditEvent(), { action, createdAt: new Date(iso) }));
    at("2020-01-01T00:00:00.000Z", AuditAction.LOGIN_SUCCEEDED); // the range's first instant
    at("2020-01-01T00:59:59.999Z", AuditAction.LOGIN_FAILED);
    at("2020-01-01T01:30:00.000Z", AuditAction.LOGIN_FAILED);
    at("2020-01-01T01:31:00.000Z", AuditAction.LOGIN_FAILED);
    at("2020-01-01T01:32:00.000Z", AuditAction.ACCOUNT_LOCKED);
    at("2020-01-01T03:10:00.000Z", AuditAction.REFRESH_TOKEN_REUSED);
    at("2020-01-01T04:59:00.000Z", AuditAction.RATE_LIMITED);
    at("2020-01-01T04:59:30.000Z", AuditAction.PASSWORD_CHANGED); // not counted by the dashboard
    at("2020-01-01T05:00:00.000Z", AuditAction.LOGIN_SUCCEEDED); // the range's end: excluded
    at("2019-12-31T23:59:59.999Z", AuditAction.LOGIN_FAILED); // before it
    // Sessions: one used inside the range, one ended before it began.
    const user = em.create(User, { email: "stats.2020@example.test", displayName: "Stats", passwordHash: "x" });
    em.create(Session, { user, ip: null, userAgent: null, createdAt: new Date("2020-01-01T01:00:00Z"), lastActiveAt: new Date("2020-01-01T02:00:00Z"), expiresAt: new Date("2020-01-31T00:00:00Z") });
    em.create(Session, {
      user,
      ip: null,
      userAgent: null,
      createdAt: new Date("2019-12-01T00:00:00Z"),
      lastActiveAt: new Date("2019-12-01T00:00:00Z"),
      expiresAt: new Date("2019-12-31T00:00:00Z"),
    });
    await em.flush();

    const result = (await server.gql(STATS, { r: { from: "2020-01-01T00:00:00.000Z", to: "2020-01-01T05:00:00.000Z" } }, adminToken)).data!.securityStats;
    expect(result).toMatchObject({ successfulLogins: 1, failedLogins: 3, lockouts: 1, refreshTokenReuses: 1, rateLimitHits: 1, activeSessions: 1, activeUsers: 1 });
    const row = (start: string, counts: number[]) => ({
      start,
      ...Object.fromEntries(COUNTS.split(" ").map((k, i) => [k, counts[i]])),
    });
    expect(result.buckets).toEqual([
      row("2020-01-01T00:00:00.000Z", [1, 1, 0, 0, 0]),
      row("2020-01-01T01:00:00.000Z", [0, 2, 1, 0, 0]),
      row("2020-01-01T02:00:00.000Z", [0, 0, 0, 0, 0]),
      row("2020-01-01T03:00:00.000Z", [0, 0, 0, 1, 0]),
      row("2020-01-01T04:00:00.000Z", [0, 0, 0, 0, 1]),
    ]);
  }

describe("securityStats over a fixed range", () => {
  it("buckets events per hour, including the start and excluding the end of the range", () => checkFixedRange(t, admin));

  it("covers the hours a preset window touches", async () => {
    const day = await stats({ w: "LAST_24_HOURS" });
    expect(Date.parse(day.to) - Date.parse(day.from)).toBe(24 * 3_600_000);
    expect([24, 25]).toContain(day.buckets.length);
    expect((await stats({})).buckets.length).toBe(day.buckets.length); // LAST_24_HOURS is the default
    expect([168, 169]).toContain((await stats({ w: "LAST_7_DAYS" })).buckets.length);
  });

  it("refuses an empty, reversed or over-long range", async () => {
    const problem = async (r: Record<string, string>) => (await t.gql(STATS, { r }, admin)).errors?.[0]?.extensions;
    expect(await problem({ from: "2020-01-02T00:00:00Z", to: "2020-01-01T00:00:00Z" })).toMatchObject({ code: "BAD_USER_INPUT", field: "range.from" });
    expect(await problem({ from: "2020-01-01T00:00:00Z", to: "2020-01-01T00:00:00Z" })).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(await problem({ from: "2020-01-01T00:00:00Z", to: "2020-03-01T00:00:00Z" })).toMatchObject({ code: "BAD_USER_INPUT", field: "range.to" });
  });

  it("is for admins only", async () => {
    const agent = await t.createUser("AGENT");
    expect((await t.gql(STATS, {}, agent.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(`{ lockedAccounts(first: 1) { totalCount } }`, {}, agent.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(STATS)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("on the embedded SQLite database", () => {
  it("buckets per hour the same way", async () => {
    const embedded = await startTestServer({ embedded: true });
    try {
      await checkFixedRange(embedded, await embedded.adminToken());
    } finally {
      await embedded.close();
    }
  });
});
