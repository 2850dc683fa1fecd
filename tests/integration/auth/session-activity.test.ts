import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MINUTE, useClock, type TestClock } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";

// Runs on both databases (vitest projects): on the embedded one a refresh used to leave
// lastActiveAt at sign-in time, so every session ended 60 minutes in, however active.
const IDLE_MINUTES = 20;
const GRACE_SECONDS = 5;

let t: TestServer;
let clock: TestClock;
beforeAll(async () => {
  // Idle (20 min) shorter than the access tokens' life (60 min), as the settings allow.
  t = await startTestServer({
    env: { SESSION_IDLE_MINUTES: String(IDLE_MINUTES), ACCESS_TOKEN_TTL_SECONDS: "3600", REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS) },
  });
  clock = useClock(t);
});
afterEach(() => clock.reset());
afterAll(() => t?.close());

const refresh = (refreshToken: string, headers?: Record<string, string>) => t.gql(REFRESH, { t: refreshToken }, null, headers);
const me = async (accessToken: string) => (await t.http("/graphql", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` }, body: JSON.stringify({ query: "{ me { id } }" }) })).status;

describe("an active session", () => {
  it("stays signed in across refreshes: each refresh moves the idle timeout", async () => {
    const user = await t.createUser();
    let tokens: { accessToken: string; refreshToken: string } = { accessToken: user.token, refreshToken: user.refreshToken };
    // Four refreshes 15 minutes apart: an hour in, three idle timeouts after sign-in.
    for (let i = 1; i <= 4; i++) {
      clock.advance(15 * MINUTE);
      const res = await refresh(tokens.refreshToken);
      expect(res.errors, `refresh #${i}`).toBeUndefined();
      tokens = res.data!.refreshToken;
    }
    const sessions = (await t.gql(`{ mySessions { lastActiveAt current } }`, {}, tokens.accessToken)).data!.mySessions as { lastActiveAt: string; current: boolean }[];
    const current = sessions.find((s) => s.current)!;
    expect(Date.parse(current.lastActiveAt)).toBeGreaterThan(clock.now().getTime() - MINUTE);
  });

  it("ends when left idle: the refresh is refused and its access tokens stop working at once", async () => {
    const user = await t.createUser();
    expect(await me(user.token)).toBe(200);
    clock.advance((IDLE_MINUTES + 1) * MINUTE); // the access token itself is still within its hour
    expect(await me(user.token)).toBe(401);
    const late = await refresh(user.refreshToken);
    expect(late.errors?.[0]?.extensions?.reason).toMatch(/idle/);
  });

  it("keeps the access tokens of a session refreshed in time", async () => {
    const user = await t.createUser();
    clock.advance((IDLE_MINUTES - 5) * MINUTE);
    expect(await me(user.token)).toBe(200); // read into the session cache with the old idle end
    const renewed = await refresh(user.refreshToken);
    expect(renewed.errors).toBeUndefined();
    clock.advance(10 * MINUTE); // past the first idle end, within the renewed one
    expect(await me(user.token)).toBe(200);
    expect(await me(renewed.data!.refreshToken.accessToken)).toBe(200);
  });
});

describe("a refresh token presented twice (RFC 9700 reuse detection, with a grace)", () => {
  it("answers the same new pair to the same client twice at once", async () => {
    const user = await t.createUser();
    const [a, b] = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(b.data!.refreshToken.refreshToken).toBe(a.data!.refreshToken.refreshToken);
    expect(await me(b.data!.refreshToken.accessToken)).toBe(200);
    expect((await refresh(a.data!.refreshToken.refreshToken)).errors).toBeUndefined(); // the session lives on
  });

  it("answers the same pair to a retry within the grace", async () => {
    const user = await t.createUser();
    const first = await refresh(user.refreshToken);
    clock.advance((GRACE_SECONDS - 1) * 1000);
    const retry = await refresh(user.refreshToken);
    expect(retry.errors).toBeUndefined();
    expect(retry.data!.refreshToken.refreshToken).toBe(first.data!.refreshToken.refreshToken);
  });

  it("ends the session for a replay after the grace", async () => {
    const user = await t.createUser();
    const first = await refresh(user.refreshToken);
    clock.advance((GRACE_SECONDS + 1) * 1000);
    const replay = await refresh(user.refreshToken);
    expect(replay.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(replay.errors?.[0]?.message).toMatch(/already used/);
    expect(await me(first.data!.refreshToken.accessToken)).toBe(401);
    expect((await refresh(first.data!.refreshToken.refreshToken)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("ends the session for a replay from another client, even within the grace", async () => {
    const user = await t.createUser();
    const first = await refresh(user.refreshToken, { "user-agent": "the owner's browser" });
    const other = await refresh(user.refreshToken, { "user-agent": "someone else" });
    expect(other.errors?.[0]?.message).toMatch(/already used/);
    expect(await me(first.data!.refreshToken.accessToken)).toBe(401);
  });
});

const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`;
