import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { useRedis } from "./redis.js";

describe("test Redis harness", () => {
  const redis = useRedis();
  const clients: Redis[] = [];
  const connect = () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    client.on("error", () => undefined);
    clients.push(client);
    return client;
  };

  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  it("answers PING and stores a key under the file's prefix", async () => {
    const client = connect();
    expect(await client.ping()).toBe("PONG");
    await client.set(`${redis.prefix}greeting`, "hello");
    expect(await client.get(`${redis.prefix}greeting`)).toBe("hello");
  });

  it("stops answering while paused and answers again after resume", async ({ skip }) => {
    if (!redis.server.owned) skip("TEST_REDIS_URL names a server this run does not own");
    const client = connect();
    await client.ping();
    redis.server.pause();
    try {
      const answer = await Promise.race([
        client.ping().then(() => "answered"),
        new Promise((resolve) => setTimeout(resolve, 300, "silent")),
      ]);
      expect(answer).toBe("silent");
    } finally {
      redis.server.resume();
    }
    expect(await client.ping()).toBe("PONG");
  });
});
