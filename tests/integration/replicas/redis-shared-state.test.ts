import { randomInt } from "node:crypto";
import type { Logger } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainEventRecord } from "../../../src/db/domain-event.entity.js";
import { useRedis } from "../../support/redis.js";
import { startTestServer, type TestServer } from "../../support/server.js";

/**
 * Two replicas (A and B, each a real server in this process) on one MariaDB database and one
 * Redis, as an operator runs them: what one replica counts, the other sees, and when Redis goes
 * away the fleet says so and keeps to its limits. Each test speaks from its own client addresses
 * (X-Forwarded-For with TRUST_PROXY), so the per-IP sign-in budget of 4 does not leak between tests.
 */
const redis = useRedis();
const env = () => ({ REDIS_URL: redis.url, TRUST_PROXY: "true", RATE_LIMIT_LOGIN_PER_MINUTE: "4", REPLICA_COUNT: "2" });
/** A requires Redis (/ready 503 without it); B is content with "degraded". */
const envOfA = () => ({ ...env(), ...b.databaseEnv, REDIS_REQUIRED: "true" });

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  b = await startTestServer({ env: env() });
  a = await startTestServer({ env: envOfA() });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

const WRONG = "definitely the wrong passphrase";
const newIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const login = (server: TestServer, email: string, ip = newIp()) => server.gql(LOGIN, { i: { email, password: WRONG } }, null, { "x-forwarded-for": ip });
const codeOf = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions?.code;
const ready = (server: TestServer) => server.http<any>("/ready");

/** Polls `probe` until `done` holds, for at most 15 s: Redis's reconnection is not ours to time. */
async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("lockout of an unknown email across replicas", () => {
  it("locks at the fifth failure when the failures alternate between A and B, and stays locked after A restarts", async () => {
    const ghost = `ghost.${Date.now()}@example.test`;
    for (let i = 1; i <= 5; i++) {
      const res = await login(i % 2 ? a : b, ghost);
      expect(codeOf(res), `attempt ${i} on ${i % 2 ? "A" : "B"}`).toBe(i < 5 ? "UNAUTHENTICATED" : "ACCOUNT_LOCKED");
    }
    await a.close();
    a = await startTestServer({ env: envOfA() });
    expect(codeOf(await login(a, ghost))).toBe("ACCOUNT_LOCKED");
    expect(codeOf(await login(b, ghost))).toBe("ACCOUNT_LOCKED");
  });
});

describe("rate-limit audit", () => {
  it("records one RATE_LIMITED per caller and limit a minute across replicas, not one per replica", async () => {
    const ip = newIp();
    for (let i = 0; i < 4; i++) expect(codeOf(await login(i % 2 ? a : b, `nobody${i}@example.test`, ip))).toBe("UNAUTHENTICATED");
    for (const server of [a, b, a, b]) expect(codeOf(await login(server, "nobody@example.test", ip))).toBe("RATE_LIMITED");
    const hits = await b.server.orm.em.fork().find(DomainEventRecord, { type: "rate_limit.hit" });
    expect(hits.filter((hit) => (hit.payload as { caller?: string }).caller === `ip:${ip}`)).toHaveLength(1);
  });
});

describe("while Redis is down", () => {
  it("/ready says so (503 where REDIS_REQUIRED), sign-in limits are limit / REPLICA_COUNT per replica, one warning and one recovery line are logged, and all recovers", async () => {
    const logged: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const recorder = (level: string) => (fields: Record<string, unknown>, message: string) => void logged.push({ level, fields, message });
    a.server.services.limiterStore.logger = { warn: recorder("warn"), info: recorder("info") } as unknown as Pick<Logger, "warn" | "info">;
    expect(await ready(a)).toMatchObject({ status: 200, body: { status: "ready", redis: { state: "up", metrics: { deskql_redis_up: 1 } } } });

    redis.server.pause();
    try {
      const downA = await ready(a);
      expect(downA.status).toBe(503);
      expect(downA.body).toMatchObject({ status: "redis_unavailable", redis: { state: "down", required: true, replicaCount: 2, metrics: { deskql_redis_up: 0 } } });
      expect(await ready(b)).toMatchObject({ status: 200, body: { status: "degraded", redis: { state: "down", required: false, metrics: { deskql_redis_up: 0 } } } });

      // 4 a minute for the fleet: 2 on each replica.
      const ip = newIp();
      for (const server of [a, b]) {
        for (let i = 1; i <= 2; i++) expect(codeOf(await login(server, `down${i}@example.test`, ip)), `attempt ${i}`).toBe("UNAUTHENTICATED");
        expect(codeOf(await login(server, "down3@example.test", ip))).toBe("RATE_LIMITED");
      }
      const fallbacks = (await ready(a)).body.redis.metrics.deskql_redis_fallbacks_total;
      expect(fallbacks).toBeGreaterThanOrEqual(3);
    } finally {
      redis.server.resume();
    }

    const back = await eventually(() => ready(a), (res) => res.status === 200);
    expect(back).toMatchObject({ status: 200, body: { status: "ready", redis: { state: "up", lastError: null, metrics: { deskql_redis_up: 1 } } } });
    expect(await eventually(() => ready(b), (res) => res.body.status === "ready")).toMatchObject({ status: 200, body: { status: "ready" } });
    // Shared again: a fresh address has the whole budget of 4, counted across both replicas.
    const ip = newIp();
    for (let i = 0; i < 4; i++) expect(codeOf(await login(i % 2 ? a : b, `back${i}@example.test`, ip))).toBe("UNAUTHENTICATED");
    expect(codeOf(await login(a, "back4@example.test", ip))).toBe("RATE_LIMITED");

    expect(logged.map(({ level, fields }) => [level, fields.redis])).toEqual([
      ["warn", "down"],
      ["info", "up"],
    ]);
  });
});

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
