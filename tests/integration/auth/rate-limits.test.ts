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

  it("counts every aliased login in one document: the 6th is RATE_LIMITED", async () => {
    const ip = newIp();
    const aliases = Array.from({ length: 6 }, (_, i) => `a${i + 1}: login(input: $i) { accessToken }`).join("\n");
    const res = await t.gql(`mutation($i: LoginInput!) {\n${aliases}\n}`, { i: { email: user.email, password: DEFAULT_PASSWORD } }, null, from(ip));
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(["a6"]);
    expect(codeOf(res)).toBe("RATE_LIMITED");
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

  it("counts aliased registrations in one document", async () => {
    const ip = newIp();
    const stamp = Date.now();
    const aliases = Array.from({ length: 4 }, (_, i) => `r${i + 1}: register(input: { email: "alias${i}.${stamp}@example.test", password: "${DEFAULT_PASSWORD}", displayName: "A" }) { accessToken }`);
    const res = await t.gql(`mutation {\n${aliases.join("\n")}\n}`, {}, null, from(ip));
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(["r4"]);
    expect(codeOf(res)).toBe("RATE_LIMITED");
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
      startTestServer({ env: { ...LIMITS, REDIS_URL, DATABASE_URL: t.db!.url } }),
      startTestServer({ env: { ...LIMITS, REDIS_URL, DATABASE_URL: t.db!.url } }),
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
const CHANGE_PASSWORD = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
