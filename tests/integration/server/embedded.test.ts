import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { useClock, type TestClock } from "../../support/mailbox.js";
import { ADMIN_EMAIL, DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

/** The zero-setup default: an embedded SQLite database in the data folder. */
let t: TestServer;
let clock: TestClock;
beforeAll(async () => {
  t = await startTestServer({ embedded: true });
  clock = useClock(t);
});
afterEach(() => clock.reset());
afterAll(() => t?.close());

describe("the embedded database", () => {
  it("is SQLite in the data folder, migrated and ready", async () => {
    expect(t.server.services.config.database.kind).toBe("sqlite");
    expect(t.db).toBeNull();
    expect((await t.http("/ready")).status).toBe(200);
  });

  it("registers, signs in, answers me, refreshes and signs out", async () => {
    const email = `embedded.${Date.now()}@example.test`;
    const reg = await t.gql(`mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken user { id role } } }`, {
      i: { email: email.toUpperCase(), password: DEFAULT_PASSWORD, displayName: "Embedded" },
    });
    expect(reg.errors).toBeUndefined();
    expect(reg.data!.register.user.role).toBe("CUSTOMER");

    const login = await t.gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken user { id } } }`, { i: { email, password: DEFAULT_PASSWORD } });
    expect(login.data!.login.user.id).toBe(reg.data!.register.user.id);
    const me = await t.gql(`{ me { email role } }`, {}, login.data!.login.accessToken);
    expect(me.data!.me).toEqual({ email, role: "CUSTOMER" });

    const refreshed = await t.gql(`mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`, { t: login.data!.login.refreshToken });
    expect(refreshed.errors).toBeUndefined();
    expect((await t.gql(`{ me { email } }`, {}, refreshed.data!.refreshToken.accessToken)).data!.me.email).toBe(email);
    // A replay after REFRESH_REUSE_GRACE_SECONDS (a retry within it gets the same pair).
    clock.advance((t.server.services.config.jwt.refreshReuseGraceSeconds + 1) * 1000);
    const replay = await t.gql(`mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, { t: login.data!.login.refreshToken });
    expect(replay.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");

    const duplicate = await t.gql(`mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`, { i: { email, password: DEFAULT_PASSWORD, displayName: "Again" } });
    expect(duplicate.errors![0]!.extensions!.code).toBe("CONFLICT");
  });

  it("locks after five failures and keeps the audit trail, details included", async () => {
    const user = await t.createUser();
    for (let i = 0; i < 5; i++) await t.gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email: user.email, password: "wrong passphrase here" } });
    const locked = await t.gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email: user.email, password: DEFAULT_PASSWORD } });
    expect(locked.errors![0]!.extensions!.code).toBe("ACCOUNT_LOCKED");
    const trail = await t.gql(`query($f: AuditEventFilter) { auditEvents(first: 10, filter: $f) { nodes { action details } } }`, { f: { targetId: user.id, actions: ["ACCOUNT_LOCKED"] } }, await t.adminToken());
    expect(trail.errors).toBeUndefined();
    expect(trail.data!.auditEvents.nodes[0].details.until).toEqual(expect.any(String));
  });

  it("lists users with a search that treats wildcards literally", async () => {
    const admin = await t.adminToken();
    const res = await t.gql(`query($s: String) { users(first: 10, filter: { search: $s }) { nodes { email } } }`, { s: "%" }, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data!.users.nodes).toEqual([]);
    const found = await t.gql(`query($s: String) { users(first: 10, filter: { search: $s }) { nodes { email } } }`, { s: "ADMIN@" }, admin);
    expect(found.data!.users.nodes).toEqual([{ email: ADMIN_EMAIL }]);
  });
});

describe("text SQLite cannot take", () => {
  it("refuses a NUL in variables and document literals with BAD_USER_INPUT", async () => {
    const admin = await t.adminToken();
    const login = await t.gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email: "a\u0000@x.com", password: "x" } });
    expect(login.errors![0]!.extensions).toEqual({ code: "BAD_USER_INPUT", field: "input.email" });
    const search = await t.gql(`query($s: String) { users(first: 10, filter: { search: $s }) { nodes { email } } }`, { s: "a\u0000b" }, admin);
    expect(search.errors![0]!.extensions).toEqual({ code: "BAD_USER_INPUT", field: "filter.search" });
    for (const query of [String.raw`{ user(id: "1\u0000") { id } }`, String.raw`{ issue(key: "OPS-1\u0000") { id } }`, String.raw`{ project(key: "OPS\u0000") { id } }`]) {
      const res = await t.gql(query, {}, admin);
      expect(res.errors![0]!.extensions!.code, query).toBe("BAD_USER_INPUT");
    }
  });
});
