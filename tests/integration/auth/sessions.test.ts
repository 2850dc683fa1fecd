import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { onSqlite } from "../../support/dialect.js";
import { useClock, type TestClock } from "../../support/mailbox.js";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

/**
 * Refresh-token families: rotation, reuse detection, races, logout, password change, cookies.
 * The same client's retry within REFRESH_REUSE_GRACE_SECONDS is no reuse (session-activity.test.ts);
 * the replays here come after it.
 */
let t: TestServer;
let clock: TestClock;
let adminToken: string;
beforeAll(async () => {
  t = await startTestServer();
  clock = useClock(t);
  adminToken = await t.adminToken();
});
afterEach(() => clock.reset());
afterAll(() => t?.close());

/** Moves the business clock past the reuse grace: a replay from now on is reuse. */
const pastTheGrace = () => clock.advance((t.server.services.config.jwt.refreshReuseGraceSeconds + 1) * 1000);

const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
  (await t.server.orm.em.fork().getConnection().execute(query, params)) as T[];

async function signIn(email: string, password = DEFAULT_PASSWORD, headers: Record<string, string> = {}) {
  const res = await t.gql(LOGIN, { i: { email, password } }, null, headers);
  if (!res.data?.login) throw new Error(`login failed: ${JSON.stringify(res.errors)}`);
  return res.data.login as { accessToken: string; refreshToken: string; user: { id: string } };
}

const refresh = (refreshToken: string) => t.gql(REFRESH, { t: refreshToken });
const meId = async (token: string) => (await t.gql(`{ me { id } }`, {}, token)).data?.me?.id ?? null;

async function auditActions(targetId: string) {
  const res = await t.gql(AUDIT, { f: { targetId } }, adminToken);
  return (res.data!.auditEvents.nodes as { action: string }[]).map((e) => e.action);
}

describe("refresh tokens", () => {
  it("are opaque 256-bit secrets stored only as their SHA-256, in a session that records IP and user agent", async () => {
    const user = await t.createUser();
    const session = await signIn(user.email, DEFAULT_PASSWORD, { "user-agent": "DeskQL-Test/1.0 (sessions)" });
    expect(session.refreshToken).toMatch(/^hd_rt_[A-Za-z0-9_-]{43}$/); // 43 base64url chars = 258 bits
    const rows = await sql(
      "select rt.*, s.ip, s.user_agent from refresh_tokens rt join sessions s on s.id = rt.session_id where s.user_id = ? order by rt.created_at desc",
      [user.id],
    );
    const hash = createHash("sha256").update(session.refreshToken).digest("hex");
    const mine = rows.find((r) => r.token_hash === hash);
    expect(mine).toMatchObject({ ip: "127.0.0.1", user_agent: "DeskQL-Test/1.0 (sessions)" });
    expect(JSON.stringify(rows)).not.toContain(session.refreshToken.slice(6));
  });

  it("rotate on every use: each works once and the new pair works", async () => {
    const user = await t.createUser();
    const first = await refresh(user.refreshToken);
    expect(first.errors).toBeUndefined();
    const next = first.data!.refreshToken;
    expect(next.refreshToken).not.toBe(user.refreshToken);
    expect(await meId(next.accessToken)).toBe(user.id);
    const second = await refresh(next.refreshToken);
    expect(second.errors).toBeUndefined();
    // All tokens of the chain belong to one session (one family).
    const sessions = await sql("select count(distinct rt.session_id) as n from refresh_tokens rt join sessions s on s.id = rt.session_id where s.user_id = ?", [user.id]);
    expect(Number(sessions[0]!.n)).toBe(1);
  });

  it("revoke the whole family when an already-rotated token comes back, and audit it", async () => {
    const user = await t.createUser();
    const rotated = (await refresh(user.refreshToken)).data!.refreshToken;
    expect(await meId(rotated.accessToken)).toBe(user.id);

    pastTheGrace();
    const replay = await refresh(user.refreshToken);
    expect(replay.errors![0]!.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
    // The thief's replay ends the session for the legitimate holder too.
    expect((await refresh(rotated.refreshToken)).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect(await meId(rotated.accessToken)).toBeNull();
    expect(await meId(user.token)).toBeNull();
    expect(await auditActions((await sessionIdsOf(user.id))[0]!)).toContain("REFRESH_TOKEN_REUSED");
  });

  it("let exactly one of two concurrent refreshes with the same token win when they come from two clients", async () => {
    for (let round = 0; round < 5; round++) {
      const user = await t.createUser();
      const results = await Promise.all([
        t.gql(REFRESH, { t: user.refreshToken }, null, { "user-agent": "the owner's browser" }),
        t.gql(REFRESH, { t: user.refreshToken }, null, { "user-agent": "someone else" }),
      ]);
      const winners = results.filter((r) => r.data?.refreshToken);
      expect(winners, `round ${round}`).toHaveLength(1);
      const loser = results.find((r) => !r.data?.refreshToken)!;
      expect(loser.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    }
  });

  // Another replica shares no grace memory: there the database's compare-and-set decides. (An
  // embedded database is served by one process.)
  it.skipIf(onSqlite)("let exactly one of two concurrent refreshes with the same token win on two replicas", async () => {
    const replica = await startTestServer({ env: t.databaseEnv });
    try {
      for (let round = 0; round < 5; round++) {
        const user = await t.createUser();
        const results = await Promise.all([refresh(user.refreshToken), replica.gql(REFRESH, { t: user.refreshToken })]);
        const winners = results.filter((r) => r.data?.refreshToken);
        expect(winners, `round ${round}`).toHaveLength(1);
        const loser = results.find((r) => !r.data?.refreshToken)!;
        expect(loser.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
      }
    } finally {
      await replica.close();
    }
  });

  it.each([
    ["an unknown token", `hd_rt_${"A".repeat(43)}`],
    ["a malformed token", "not a refresh token"],
    ["an empty token", ""],
    ["an access token in its place", "eyJhbGciOiJFZERTQSJ9.e30.sig"],
    ["a huge token", `hd_rt_${"A".repeat(100_000)}`],
  ])("reject %s with UNAUTHENTICATED", async (_name, token) => {
    const res = await refresh(token);
    expect(res.data).toBeNull();
    expect(res.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
  });
});

describe("logout", () => {
  it("ends the session of the given refresh token: its access token stops working at once", async () => {
    const user = await t.createUser();
    expect(await meId(user.token)).toBe(user.id);
    const res = await t.gql(`mutation($t: String) { logout(refreshToken: $t) }`, { t: user.refreshToken });
    expect(res.data).toEqual({ logout: true });
    expect(await meId(user.token)).toBeNull();
    expect((await refresh(user.refreshToken)).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect(await auditActions((await sessionIdsOf(user.id))[0]!)).toContain("LOGGED_OUT");
  });

  it("bites at once even while the session's requests are in flight", async () => {
    for (let round = 0; round < 4; round++) {
      const user = await t.createUser();
      let stop = false;
      const hammer = async () => {
        while (!stop) await meId(user.token);
      };
      const loops = [hammer(), hammer(), hammer()];
      await new Promise((r) => setTimeout(r, 20));
      await t.gql(`mutation($t: String) { logout(refreshToken: $t) }`, { t: user.refreshToken });
      const after = await meId(user.token);
      stop = true;
      await Promise.all(loops);
      expect(after, `round ${round}`).toBeNull();
    }
  });

  it("ends the caller's own session when called with only an access token", async () => {
    const user = await t.createUser();
    const other = await signIn(user.email);
    const res = await t.gql(`mutation { logout }`, {}, user.token);
    expect(res.data).toEqual({ logout: true });
    expect(await meId(user.token)).toBeNull();
    expect((await refresh(user.refreshToken)).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect(await meId(other.accessToken)).toBe(user.id); // other sessions live on
  });

  it("asks who is signing out when given neither token", async () => {
    const res = await t.gql(`mutation { logout }`);
    expect(res.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
  });

  it("is idempotent for unknown refresh tokens", async () => {
    const res = await t.gql(`mutation($t: String) { logout(refreshToken: $t) }`, { t: `hd_rt_${"B".repeat(43)}` });
    expect(res.data).toEqual({ logout: true });
  });
});

describe("changing the password", () => {
  it("ends every other session, keeps the current one, and swaps the password", async () => {
    const user = await t.createUser();
    const other = await signIn(user.email);
    const newPassword = "a brand new passphrase 42";
    const res = await t.gql(CHANGE_PASSWORD, { c: DEFAULT_PASSWORD, n: newPassword }, user.token);
    expect(res).toEqual({ data: { changePassword: true } });

    expect(await meId(other.accessToken)).toBeNull();
    expect((await refresh(other.refreshToken)).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect(await meId(user.token)).toBe(user.id);
    expect((await refresh(user.refreshToken)).errors).toBeUndefined();

    expect((await t.gql(LOGIN, { i: { email: user.email, password: DEFAULT_PASSWORD } })).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect((await signIn(user.email, newPassword)).user.id).toBe(user.id);
    expect(await auditActions(user.id)).toContain("PASSWORD_CHANGED");
  });

  it("refuses a wrong current password, a weak new one and a missing session", async () => {
    const user = await t.createUser();
    const wrong = await t.gql(CHANGE_PASSWORD, { c: "not my password at all", n: "another fine passphrase 9" }, user.token);
    expect(wrong.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "currentPassword" });
    const weak = await t.gql(CHANGE_PASSWORD, { c: DEFAULT_PASSWORD, n: "short" }, user.token);
    expect(weak.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "newPassword" });
    const same = await t.gql(CHANGE_PASSWORD, { c: DEFAULT_PASSWORD, n: DEFAULT_PASSWORD }, user.token);
    expect(same.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "newPassword" });
    const anonymous = await t.gql(CHANGE_PASSWORD, { c: DEFAULT_PASSWORD, n: "another fine passphrase 9" });
    expect(anonymous.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect((await signIn(user.email)).user.id).toBe(user.id); // unchanged
  });
});

describe("the browser's refresh cookie", () => {
  const cookieOf = (setCookie: string | string[] | undefined) => {
    const header = [setCookie ?? []].flat().find((c) => c.startsWith("deskql_refresh="));
    return header ? { header, value: header.split(";")[0]!.slice("deskql_refresh=".length) } : undefined;
  };
  const cookiePost = (path: string, cookie: string | undefined, body = "{}", contentType = "application/json") =>
    t.http<any>(path, { method: "POST", headers: { "content-type": contentType, ...(cookie ? { cookie: `deskql_refresh=${cookie}` } : {}) }, body });

  it("is set HttpOnly, Secure, SameSite=Strict at /auth on login with X-Refresh-Cookie, instead of the body", async () => {
    const user = await t.createUser();
    const res = await t.http<any>("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "x-refresh-cookie": "1" },
      body: JSON.stringify({ query: LOGIN, variables: { i: { email: user.email, password: DEFAULT_PASSWORD } } }),
    });
    expect(res.body.data.login.refreshToken).toBeNull();
    const cookie = cookieOf(res.headers["set-cookie"])!;
    expect(cookie.value).toMatch(/^hd_rt_/);
    expect(cookie.header).toMatch(/; HttpOnly/);
    expect(cookie.header).toMatch(/; Secure/);
    expect(cookie.header).toMatch(/; SameSite=Strict/);
    expect(cookie.header).toMatch(/; Path=\/auth(;|$)/);

    // POST /auth/refresh rotates it.
    const rotated = await cookiePost("/auth/refresh", cookie.value);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ accessToken: expect.any(String), expiresIn: 900, user: { id: user.id } });
    const next = cookieOf(rotated.headers["set-cookie"])!;
    expect(next.value).not.toBe(cookie.value);
    expect(next.header).toMatch(/HttpOnly.*Secure|Secure.*HttpOnly/);
    expect(await meId(rotated.body.accessToken)).toBe(user.id);

    // POST /auth/logout ends it and clears the cookie.
    const out = await cookiePost("/auth/logout", next.value);
    expect(out).toMatchObject({ status: 200, body: { ok: true } });
    expect(cookieOf(out.headers["set-cookie"])!.header).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/);
    expect(await meId(rotated.body.accessToken)).toBeNull();
    const after = await cookiePost("/auth/refresh", next.value);
    expect(after.status).toBe(401);
    expect(after.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("detects a replayed cookie like a replayed body token", async () => {
    const user = await t.createUser();
    const login = await t.http<any>("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "x-refresh-cookie": "1" },
      body: JSON.stringify({ query: LOGIN, variables: { i: { email: user.email, password: DEFAULT_PASSWORD } } }),
    });
    const first = cookieOf(login.headers["set-cookie"])!.value;
    const second = cookieOf((await cookiePost("/auth/refresh", first)).headers["set-cookie"])!.value;
    pastTheGrace();
    expect((await cookiePost("/auth/refresh", first)).status).toBe(401);
    expect((await cookiePost("/auth/refresh", second)).status).toBe(401);
  });

  it("refuses a refresh without the cookie, or sent as a cross-site form would", async () => {
    const none = await cookiePost("/auth/refresh", undefined);
    expect(none.status).toBe(401);
    expect(none.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");

    const user = await t.createUser();
    const form = await cookiePost("/auth/refresh", user.refreshToken, "a=b", "application/x-www-form-urlencoded");
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect(form.status).toBeLessThan(500);
    const text = await cookiePost("/auth/refresh", user.refreshToken, "hello", "text/plain");
    expect(text.status).toBeGreaterThanOrEqual(400);
    expect(text.status).toBeLessThan(500);
    expect((await refresh(user.refreshToken)).errors).toBeUndefined(); // neither attempt consumed it
  });
});

async function sessionIdsOf(userId: string): Promise<string[]> {
  return (await sql<{ id: string }>("select id from sessions where user_id = ? order by created_at", [userId])).map((r) => r.id);
}

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken user { id } } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken expiresIn user { id } } }`;
const CHANGE_PASSWORD = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
const AUDIT = `query($f: AuditEventFilter) { auditEvents(first: 50, filter: $f) { nodes { action targetId } } }`;
