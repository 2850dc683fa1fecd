import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";

/**
 * Makes rate limiters like src/modules/auth/rate-limits.ts does: in memory by default, shared
 * through Redis when REDIS_URL is set (one connection for all of them), with an in-memory
 * insurance limiter that takes over while Redis is unreachable.
 */
export class LimiterStore {
  private readonly redis?: Redis;

  constructor(redisUrl: string | undefined) {
    if (redisUrl) this.redis = new Redis(redisUrl, { enableOfflineQueue: false, lazyConnect: false, maxRetriesPerRequest: 1 });
  }

  limiter(keyPrefix: string, points: number, durationSeconds: number): RateLimiterAbstract {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
    if (!this.redis) return memory;
    return new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `rl:${keyPrefix}`, points, duration: durationSeconds, insuranceLimiter: memory });
  }

  close(): void {
    this.redis?.disconnect();
  }
}
