import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HOUR, MINUTE, useClock, type TestClock } from "../../support/mailbox.js";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

const FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";

let t: TestServer;
let clock: TestClock;
beforeAll(async () => {
  // A one-day absolute lifetime keeps the "refreshed until the end" walk short; idle stays at its default (60 min).
  t = await startTestServer({ env: { REFRESH_TOKEN_TTL_DAYS: "1" } });
  clock = useClock(t);
});
afterEach(() => clock.reset());
afterAll(() => t?.close());

async function signIn(email: string, userAgent: string) {
  const res = await t.gql(LOGIN, { i: { email, password: DEFAULT_PASSWORD } }, null, { "user-agent": userAgent });
  if (!res.data?.login) throw new Error(JSON.stringify(res.errors));
  return res.data.login as { accessToken: string; refreshToken: string };
}
const sessionsOf = async (token: string) => (await t.gql(SESSIONS, {}, token)).data!.mySessions as Record<string, any>[];
const refresh = (refreshToken: string) => t.gql(REFRESH, { t: refreshToken });

describe("mySessions", () => {
  it("lists the caller's live sessions with device, IP and activity, marking the current one", async () => {
    const user = await t.createUser();
    const desktop = await signIn(user.email, FIREFOX);
    await signIn(user.email, IPHONE);
    const sessions = await sessionsOf(desktop.accessToken);
    expect(sessions).toHaveLength(3); // registration, desktop, phone
    const byDevice = Object.fromEntries(sessions.map((s) => [s.device, s]));
    expect(byDevice["Firefox 120 on Ubuntu"]).toMatchObject({ browser: "Firefox 120", os: "Ubuntu", ip: "127.0.0.1", current: true, userAgent: FIREFOX });
    expect(byDevice["Mobile Safari 17 on iOS 17.1 (iPhone)"]).toMatchObject({ current: false });
    expect(byDevice["Unknown device"]).toMatchObject({ current: false, userAgent: null });
    const current = byDevice["Firefox 120 on Ubuntu"]!;
    expect(Date.parse(current.idleExpiresAt) - Date.parse(current.lastActiveAt)).toBe(60 * MINUTE);
    expect(Date.parse(current.expiresAt) - Date.parse(current.createdAt)).toBeGreaterThan(23 * HOUR);
  });

  it("shows only the caller's own sessions and leaves out ended ones", async () => {
    const user = await t.createUser();
    const other = await t.createUser();
    const phone = await signIn(user.email, IPHONE);
    await t.gql(`mutation { logout }`, {}, phone.accessToken);
    const sessions = await sessionsOf(user.token);
    expect(sessions.map((s) => s.current)).toEqual([true]);
    expect((await sessionsOf(other.token)).map((s) => s.id)).not.toContain(sessions[0]!.id);
  });

  it("needs a signed-in caller", async () => {
    expect((await t.gql(SESSIONS)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("revoking sessions", () => {
  it("ends one session: its access and refresh tokens stop working at once", async () => {
    const user = await t.createUser();
    const phone = await signIn(user.email, IPHONE);
    const phoneSession = (await sessionsOf(phone.accessToken)).find((s) => s.current)!;
    expect((await t.gql(REVOKE, { id: phoneSession.id }, user.token)).data?.revokeSession).toBe(true);
    expect((await t.gql(SESSIONS, {}, phone.accessToken)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await refresh(phone.refreshToken)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await sessionsOf(user.token)).toHaveLength(1);
  });

  it("answers NOT_FOUND for someone else's session and leaves it alone", async () => {
    const victim = await t.createUser();
    const attacker = await t.createUser();
    const [target] = await sessionsOf(victim.token);
    const res = await t.gql(REVOKE, { id: target!.id }, attacker.token);
    expect(res.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(await sessionsOf(victim.token)).toHaveLength(1);
  });

  it("ends every other session and keeps the current one", async () => {
    const user = await t.createUser();
    const desktop = await signIn(user.email, FIREFOX);
    const phone = await signIn(user.email, IPHONE);
    expect((await t.gql(`mutation { revokeOtherSessions }`, {}, desktop.accessToken)).data?.revokeOtherSessions).toBe(2);
    expect((await t.gql(SESSIONS, {}, phone.accessToken)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await t.gql(SESSIONS, {}, user.token)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await sessionsOf(desktop.accessToken)).map((s) => s.device)).toEqual(["Firefox 120 on Ubuntu"]);
    const audit = await t.gql(`query($id: ID!) { auditEvents(first: 5, filter: { actorId: $id, actions: [SESSION_REVOKED] }) { totalCount } }`, { id: user.id }, await t.adminToken());
    expect(audit.data!.auditEvents.totalCount).toBe(1);
  });
});

describe("session lifetime", () => {
  it("ends a session left idle longer than SESSION_IDLE_MINUTES", async () => {
    const user = await t.createUser();
    clock.advance(59 * MINUTE);
    const kept = await refresh(user.refreshToken);
    expect(kept.errors).toBeUndefined();
    clock.advance(61 * MINUTE);
    const idle = await refresh(kept.data!.refreshToken.refreshToken);
    expect(idle.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(idle.errors?.[0]?.extensions?.reason).toMatch(/idle/);
  });

  it("ends a session at its absolute lifetime however often it refreshes", async () => {
    const user = await t.createUser();
    let refreshToken = user.refreshToken;
    for (let elapsed = 50 * MINUTE; elapsed < 24 * HOUR; elapsed += 50 * MINUTE) {
      clock.advance(50 * MINUTE);
      const res = await refresh(refreshToken);
      expect(res.errors).toBeUndefined();
      refreshToken = res.data!.refreshToken.refreshToken;
    }
    clock.reset();
    clock.advance(24 * HOUR + MINUTE);
    const ended = await refresh(refreshToken);
    expect(ended.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(ended.errors?.[0]?.extensions?.reason).toMatch(/maximum lifetime/);
  });

  it("leaves idle sessions out of mySessions", async () => {
    const user = await t.createUser();
    const phone = await signIn(user.email, IPHONE);
    clock.advance(45 * MINUTE);
    const fresh = await refresh(phone.refreshToken); // the phone stays active; the registration session does not
    clock.advance(30 * MINUTE);
    const listed = await sessionsOf(fresh.data!.refreshToken.accessToken);
    expect(listed.map((s) => s.device)).toEqual(["Mobile Safari 17 on iOS 17.1 (iPhone)"]);
  });
});

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`;
const SESSIONS = `{ mySessions { id device browser os userAgent ip createdAt lastActiveAt expiresAt idleExpiresAt current } }`;
const REVOKE = `mutation($id: ID!) { revokeSession(id: $id) }`;
