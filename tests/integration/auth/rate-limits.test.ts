import { randomInt } from "node:crypto";
import { Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

/**
 * Per-IP budgets: 5 sign-in attempts and 3 registrations a minute. Each test speaks from its
 * own client address (X-Forwarded-For, with TRUST_PROXY on), so budgets do not leak between tests.
 */
const LIMITS = { TRUST_PROXY: "true", RATE_LIMIT_LOGIN_PER_MINUTE: "5", RATE_LIMIT_REGISTER_PER_MINUTE: "3" };
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

let t: TestServer;
let user: { email: string; id: string };
beforeAll(async () => {
  t = await startTestServer({ env: LIMITS });
  user = await t.createUser();
});
afterAll(() => t?.close());

const newIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const from = (ip: string) => ({ "x-forwarded-for": ip });
const login = (server: TestServer, ip: string, email: string, password = "not the right passphrase") =>
  server.gql(LOGIN, { i: { email, password } }, null, from(ip));
const register = (ip: string, email: string) => t.gql(REGISTER, { i: { email, password: DEFAULT_PASSWORD, displayName: "Limited" } }, null, from(ip));
const codeOf = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions?.code;
/** The raw exchange, for statuses and headers. */
const post = (query: string, ip: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  t.http<any>("/graphql", { method: "POST", headers: { "content-type": "application/json", ...from(ip), ...headers }, body: JSON.stringify({ query, variables }) });

describe("behind one proxy (TRUST_PROXY=1)", () => {
  it("takes the address the proxy saw, so a client cannot escape its budget with a forged X-Forwarded-For", async () => {
    const behindProxy = await startTestServer({ env: { ...LIMITS, TRUST_PROXY: "1" } });
    try {
      const client = newIp();
      // The proxy appends the address it saw; whatever the client wrote comes before it.
      const forged = () => `${newIp()}, ${client}`;
      for (let i = 1; i <= 5; i++) {
        const res = await behindProxy.gql(LOGIN, { i: { email: `someone${i}@example.test`, password: "not the right passphrase" } }, null, from(forged()));
        expect(codeOf(res), `attempt ${i}`).toBe("UNAUTHENTICATED");
      }
      const sixth = await behindProxy.gql(LOGIN, { i: { email: "someone6@example.test", password: "not the right passphrase" } }, null, from(forged()));
      expect(codeOf(sixth)).toBe("RATE_LIMITED");
      const other = await behindProxy.gql(LOGIN, { i: { email: "someone7@example.test", password: "not the right passphrase" } }, null, from(`${client}, ${newIp()}`));
      expect(codeOf(other)).toBe("UNAUTHENTICATED"); // another address as seen by the proxy
    } finally {
      await behindProxy.close();
    }
  });
});

describe("sign-in rate limit", () => {
  it("allows 5 attempts a minute per IP, then answers RATE_LIMITED with retryAfter", async () => {
    const ip = newIp();
    for (let i = 1; i <= 5; i++) expect(codeOf(await login(t, ip, `someone${i}@example.test`)), `attempt ${i}`).toBe("UNAUTHENTICATED");
    const sixth = await login(t, ip, user.email, DEFAULT_PASSWORD);
    expect(sixth.data).toBeNull();
    expect(codeOf(sixth)).toBe("RATE_LIMITED");
    expect(sixth.errors![0]!.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(sixth.errors![0]!.extensions!.retryAfter).toBeLessThanOrEqual(60);
    // Another client is not affected.
    expect((await login(t, newIp(), user.email, DEFAULT_PASSWORD)).errors).toBeUndefined();
  });

  it("refuses six aliased logins in one document before any of them counts", async () => {
    const ip = newIp();
    const aliases = Array.from({ length: 6 }, (_, i) => `a${i + 1}: login(input: $i) { accessToken }`).join("\n");
    const res = await t.gql(`mutation($i: LoginInput!) {\n${aliases}\n}`, { i: { email: user.email, password: DEFAULT_PASSWORD } }, null, from(ip));
    expect(res.data).toBeUndefined();
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    // The IP still has its five attempts.
    for (let i = 1; i <= 5; i++) expect(codeOf(await login(t, ip, `aliased${i}@example.test`)), `attempt ${i}`).toBe("UNAUTHENTICATED");
    expect(codeOf(await login(t, ip, user.email, DEFAULT_PASSWORD))).toBe("RATE_LIMITED");
  });

  it("counts password changes against the same budget", async () => {
    const ip = newIp();
    const token = (await login(t, ip, user.email, DEFAULT_PASSWORD)).data!.login.accessToken as string;
    for (let i = 0; i < 4; i++) {
      const res = await t.gql(CHANGE_PASSWORD, { c: "wrong current passphrase", n: "another passphrase 123" }, token, from(ip));
      expect(codeOf(res)).toBe("BAD_USER_INPUT");
    }
    const res = await t.gql(CHANGE_PASSWORD, { c: "wrong current passphrase", n: "another passphrase 123" }, token, from(ip));
    expect(codeOf(res)).toBe("RATE_LIMITED");
  });
});

describe("registration rate limit", () => {
  it("allows 3 registrations a minute per IP; the 4th is RATE_LIMITED and creates nothing", async () => {
    const ip = newIp();
    const stamp = Date.now();
    for (let i = 1; i <= 3; i++) expect((await register(ip, `limited${i}.${stamp}@example.test`)).errors, `registration ${i}`).toBeUndefined();
    const fourth = await register(ip, `limited4.${stamp}@example.test`);
    expect(codeOf(fourth)).toBe("RATE_LIMITED");
    expect(fourth.errors![0]!.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    const attempt = await login(t, newIp(), `limited4.${stamp}@example.test`, DEFAULT_PASSWORD);
    expect(codeOf(attempt)).toBe("UNAUTHENTICATED");
  });

  it("refuses aliased registrations in one document, creating none of the accounts", async () => {
    const ip = newIp();
    const stamp = Date.now();
    const aliases = Array.from({ length: 4 }, (_, i) => `r${i + 1}: register(input: { email: "alias${i}.${stamp}@example.test", password: "${DEFAULT_PASSWORD}", displayName: "A" }) { accessToken }`);
    const res = await t.gql(`mutation {\n${aliases.join("\n")}\n}`, {}, null, from(ip));
    expect(res.data).toBeUndefined();
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(codeOf(await login(t, newIp(), `alias0.${stamp}@example.test`, DEFAULT_PASSWORD))).toBe("UNAUTHENTICATED");
    // The IP still has its three registrations.
    for (let i = 0; i < 3; i++) expect((await register(ip, `alias${i}.${stamp}@example.test`)).errors, `registration ${i}`).toBeUndefined();
  });
});

describe("the anonymous query budget (per IP)", () => {
  /** Spends an IP's whole anonymous budget: expensive pages (refused before they run, but charged), then single points. */
  async function exhaustAnonymousBudget(ip: string) {
    for (const query of [EXPENSIVE, `{ __typename }`]) {
      for (let i = 0; i < 1000; i++) {
        const res = await post(query, ip);
        if (res.status === 429) break;
      }
    }
    const spent = await post(`{ __typename }`, ip);
    expect(spent.status).toBe(429);
    expect(spent.body.errors[0].extensions).toMatchObject({ code: "RATE_LIMITED", remaining: 0 });
  }

  it("never blocks signing in, registering, refreshing or resetting a password from the IP that spent it", async () => {
    const ip = newIp();
    await exhaustAnonymousBudget(ip);

    const signedIn = await post(SIGN_IN, ip, { i: { email: user.email, password: DEFAULT_PASSWORD } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.data.login.accessToken).toEqual(expect.any(String));
    const refreshed = await post(REFRESH, ip, { t: signedIn.body.data.login.refreshToken });
    expect(refreshed.body.errors).toBeUndefined();
    expect(refreshed.body.data.refreshToken.accessToken).toEqual(expect.any(String));
    const registered = await post(REGISTER, ip, { i: { email: `budget.${Date.now()}@example.test`, password: DEFAULT_PASSWORD, displayName: "Behind the NAT" } });
    expect(registered.body.errors).toBeUndefined();
    const reset = await post(`mutation($e: String!) { requestPasswordReset(email: $e) }`, ip, { e: user.email });
    expect(reset.body).toEqual({ data: { requestPasswordReset: true } });
    // The headers report the sign-in budget these spent: four calls so far from this IP.
    expect(Number(reset.headers["x-ratelimit-remaining"])).toBe(Number(reset.headers["x-ratelimit-limit"]) - 4);

    // The browser's cookie refresh too.
    const cookieLogin = await post(LOGIN, ip, { i: { email: user.email, password: DEFAULT_PASSWORD } }, { "x-refresh-cookie": "1" });
    const cookie = [cookieLogin.headers["set-cookie"] ?? []].flat().find((c) => c.startsWith("deskql_refresh="))!.split(";")[0]!;
    const viaCookie = await t.http<any>("/auth/refresh", { method: "POST", headers: { "content-type": "application/json", cookie, ...from(ip) }, body: "{}" });
    expect(viaCookie.status).toBe(200);

    // Signed in, the user spends their own budget, not the IP's.
    const me = await post(`{ me { id } }`, ip, {}, { authorization: `Bearer ${refreshed.body.data.refreshToken.accessToken}` });
    expect(me.status).toBe(200);
    expect(me.body.data.me.id).toBe(user.id);
    // Anything else stays refused.
    expect((await post(`{ __typename }`, ip)).status).toBe(429);
  });

  it("charges sign-in mutations to a per-IP budget of their own, so guessing refresh tokens is still bounded", async () => {
    const ip = newIp();
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const guess = await post(REFRESH, ip, { t: `hd_rt_guess${i}` });
      expect(codeOf(guess.body)).toBe("UNAUTHENTICATED");
      remaining.push(Number(guess.headers["x-ratelimit-remaining"]));
    }
    const limit = Number((await post(REFRESH, ip, { t: "hd_rt_guess" })).headers["x-ratelimit-limit"]);
    expect(remaining).toEqual([limit - 1, limit - 2, limit - 3]);
    // The IP's query budget is untouched by them.
    expect(Number((await post(`{ __typename }`, ip)).headers["x-ratelimit-remaining"])).toBe(limit - 1);
  });

  it("still lets the sign-in limiter count those attempts", async () => {
    const ip = newIp();
    await exhaustAnonymousBudget(ip);
    for (let i = 1; i <= 5; i++) expect(codeOf(await login(t, ip, `spent${i}@example.test`)), `attempt ${i}`).toBe("UNAUTHENTICATED");
    expect(codeOf(await login(t, ip, user.email, DEFAULT_PASSWORD))).toBe("RATE_LIMITED");
  });

  it("still refuses every other mutation and query from that IP", async () => {
    const ip = newIp();
    await exhaustAnonymousBudget(ip);
    for (const query of [`mutation { changePassword(currentPassword: "a", newPassword: "b") }`, `{ me { id } }`, `{ __typename }`]) {
      const res = await post(query, ip);
      expect(res.status, query).toBe(429);
      expect(codeOf(res.body), query).toBe("RATE_LIMITED");
    }
  });

  it("answers a bad token with UNAUTHENTICATED, not RATE_LIMITED, from an IP whose budget is spent", async () => {
    const ip = newIp();
    await exhaustAnonymousBudget(ip);
    const res = await post(`{ me { id } rateLimit { limit } }`, ip, {}, { authorization: "Bearer garbage.token.x" });
    expect(res.status).toBe(401);
    expect(res.body.errors).toHaveLength(1);
    expect(codeOf(res.body)).toBe("UNAUTHENTICATED");
  });
});

const redisReachable = await new Promise<boolean>((resolve) => {
  const socket = new Socket();
  const url = new URL(REDIS_URL);
  socket.setTimeout(500);
  socket.once("connect", () => (socket.destroy(), resolve(true)));
  socket.once("timeout", () => (socket.destroy(), resolve(false)));
  socket.once("error", () => resolve(false));
  socket.connect(Number(url.port || 6379), url.hostname);
});

describe("with REDIS_URL", () => {
  it.skipIf(!redisReachable)(`shares one budget between instances through Redis (skipped when ${REDIS_URL} is not reachable)`, async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const [a, b] = await Promise.all([
      startTestServer({ env: { ...LIMITS, REDIS_URL, ...t.databaseEnv } }),
      startTestServer({ env: { ...LIMITS, REDIS_URL, ...t.databaseEnv } }),
    ]);
    const ip = newIp();
    try {
      for (let i = 0; i < 3; i++) expect(codeOf(await login(a, ip, `redis${i}@example.test`))).toBe("UNAUTHENTICATED");
      for (let i = 0; i < 2; i++) expect(codeOf(await login(b, ip, `redis${i}@example.test`))).toBe("UNAUTHENTICATED");
      expect(Number(await redis.get(`rl:login:${ip}`))).toBe(5);
      expect(codeOf(await login(a, ip, user.email, DEFAULT_PASSWORD))).toBe("RATE_LIMITED");
      expect(codeOf(await login(b, ip, user.email, DEFAULT_PASSWORD))).toBe("RATE_LIMITED");
    } finally {
      await redis.del(`rl:login:${ip}`);
      redis.disconnect();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`;
const SIGN_IN = `mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`;
/** 24,901 cost units: 250 points, a quarter of the default anonymous budget, in one request. */
const EXPENSIVE = `{ tickets(first: 100) { nodes { id subject comments(first: 49) { nodes { id body internal createdAt } } } } }`;
const CHANGE_PASSWORD = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
