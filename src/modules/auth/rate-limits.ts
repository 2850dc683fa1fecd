import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { AppConfig } from "../../config.js";
import { RateLimitedError } from "../../core/errors.js";

export type LimitedAction = "login" | "register";

/**
 * Per-IP attempt budgets. Consumed inside the resolver, once per call, so ten aliased `login`
 * fields in one document cost ten attempts. In memory by default; shared through Redis when
 * REDIS_URL is set, so several instances enforce one budget.
 */
export class RateLimits {
  private readonly limiters: Record<LimitedAction, RateLimiterAbstract>;
  private readonly redis?: Redis;

  constructor(config: AppConfig) {
    const { loginPerMinute, registerPerMinute } = config.rateLimits;
    if (config.redisUrl) {
      this.redis = new Redis(config.redisUrl, { enableOfflineQueue: false, lazyConnect: false, maxRetriesPerRequest: 1 });
      const make = (keyPrefix: string, points: number) =>
        new RateLimiterRedis({ storeClient: this.redis, keyPrefix, points, duration: 60, insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: 60 }) });
      this.limiters = { login: make("rl:login", loginPerMinute), register: make("rl:register", registerPerMinute) };
    } else {
      this.limiters = {
        login: new RateLimiterMemory({ keyPrefix: "login", points: loginPerMinute, duration: 60 }),
        register: new RateLimiterMemory({ keyPrefix: "register", points: registerPerMinute, duration: 60 }),
      };
    }
  }

  /** Spends one attempt for `key`; throws RATE_LIMITED with the seconds until the budget refills. */
  async consume(action: LimitedAction, key: string): Promise<void> {
    try {
      await this.limiters[action].consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      throw rejection;
    }
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }
}
