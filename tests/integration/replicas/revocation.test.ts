import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onSqlite } from "../../support/dialect.js";
import { useRedis } from "../../support/redis.js";
import { DEFAULT_PASSWORD, type TestServer } from "../../support/server.js";
import { answer, eventually, ME_ROLE, startReplicas, type Replicas } from "./support.js";

/**
 * Revocation and role changes made on replica A bite on replica B at once, though B had just
 * served (and cached) the token. The replicas poll the events table only every 3 s here, so
 * within the 1 s deadline only the Redis announcement can have told B; B's caches keep entries
 * 5 s, so without any relay B would still answer.
 */
const AT_ONCE_MS = 1_000;
const POLL_MS = 3_000;

describe.skipIf(onSqlite)("two replicas on one database and one Redis (the embedded database is one process: nothing to relay)", () => {
  const redis = useRedis();
  let r: Replicas;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    r = await startReplicas({ REDIS_URL: redis.url, EVENTS_POLL_MS: String(POLL_MS) });
    ({ a, b } = r);
  });
  afterAll(() => r?.close());

  /** B serves the token (so B caches it), then `change` runs on A, then B must refuse it. */
  async function refusedOnBAfter(token: string, change: () => Promise<void>, withinMs = AT_ONCE_MS) {
    expect(await answer(b, token)).toBe("OK");
    await change();
    await eventually("B refuses the token", async () => (await answer(b, token)) === "UNAUTHENTICATED", withinMs);
  }

  async function sessionsOf(t: TestServer, token: string): Promise<{ id: string; current: boolean }[]> {
    const res = await t.gql(`{ mySessions { id current } }`, {}, token);
    return res.data!.mySessions;
  }

  it("logout on A", async () => {
    const user = await a.createUser();
    await refusedOnBAfter(user.token, async () => {
      expect((await a.gql(`mutation { logout }`, {}, user.token)).errors).toBeUndefined();
    });
  });

  it("revokeSession on A", async () => {
    const user = await a.createUser();
    const other = await a.login(user.email, DEFAULT_PASSWORD);
    const otherId = (await sessionsOf(a, other.accessToken)).find((s) => s.current)!.id;
    await refusedOnBAfter(other.accessToken, async () => {
      expect((await a.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: otherId }, user.token)).errors).toBeUndefined();
    });
    expect(await answer(b, user.token)).toBe("OK");
  });

  it("changePassword on A ends the other sessions on B", async () => {
    const user = await a.createUser();
    const other = await a.login(user.email, DEFAULT_PASSWORD);
    await refusedOnBAfter(other.accessToken, async () => {
      const res = await a.gql(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`, { c: DEFAULT_PASSWORD, n: "another fine passphrase 42" }, user.token);
      expect(res.errors).toBeUndefined();
    });
    expect(await answer(b, user.token)).toBe("OK");
  });

  it("setUserRole on A: B serves the new role", async () => {
    const agent = await a.createUser("AGENT");
    expect((await b.gql(ME_ROLE, {}, agent.token)).data?.me.role).toBe("AGENT");
    const res = await a.gql(`mutation($id: ID!) { setUserRole(userId: $id, role: CUSTOMER) { id } }`, { id: agent.id }, await a.adminToken());
    expect(res.errors).toBeUndefined();
    await eventually("B serves the demoted role", async () => (await b.gql(ME_ROLE, {}, agent.token)).data?.me.role === "CUSTOMER", AT_ONCE_MS);
  });

  it("deactivateUser on A", async () => {
    const user = await a.createUser();
    await refusedOnBAfter(user.token, async () => {
      const res = await a.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: user.id }, await a.adminToken());
      expect(res.errors).toBeUndefined();
    });
  });

  it("revokeApiToken on A", async () => {
    const user = await a.createUser();
    const created = await a.gql(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }`,
      { i: { name: "replica check", scopes: ["TICKETS_READ"], expiresAt: new Date(Date.now() + 86_400_000).toISOString() } },
      user.token,
    );
    const { token, apiToken } = created.data!.createApiToken;
    await refusedOnBAfter(token, async () => {
      expect((await a.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: apiToken.id }, user.token)).errors).toBeUndefined();
    });
  });

  it("refresh-token reuse detected on B ends the session's access token on A", async () => {
    const user = await a.createUser();
    const refreshed = await a.gql(`mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, { t: user.refreshToken });
    const current = refreshed.data!.refreshToken.accessToken as string;
    expect(await answer(a, current)).toBe("OK");
    const reused = await b.gql(`mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, { t: user.refreshToken });
    expect(reused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    await eventually("A refuses the session's access token", async () => (await answer(a, current)) === "UNAUTHENTICATED", AT_ONCE_MS);
  });

  describe("with Redis not answering (paused)", () => {
    afterAll(() => redis.server.resume());

    it("a logout on A still reaches B by polling the events table, within the poll interval", async ({ skip }) => {
      if (!redis.server.owned) skip("TEST_REDIS_URL names a server this run cannot pause");
      const user = await a.createUser();
      expect(await answer(b, user.token)).toBe("OK");
      redis.server.pause();
      try {
        // B's cache keeps the entry 5 s: refusing before that is the poll's doing.
        await refusedOnBAfter(user.token, async () => {
          expect((await a.gql(`mutation { logout }`, {}, user.token)).errors).toBeUndefined();
        }, POLL_MS + 1_500);
      } finally {
        redis.server.resume();
      }
    });
  });
});
