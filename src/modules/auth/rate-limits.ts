import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { AppConfig } from "../../config.js";
import { RateLimitedError } from "../../core/errors.js";
import type { LimiterStore } from "../rate-limit/limiter-store.js";

export type LimitedAction = "login" | "register";

/**
 * Per-IP attempt budgets. Consumed inside the resolver, once per call, so ten aliased `login`
 * fields in one document cost ten attempts. In memory by default; shared through Redis when
 * REDIS_URL is set, so several instances enforce one budget, and limit / REPLICA_COUNT per
 * instance while Redis is down (limiter-store.ts).
 */
export class RateLimits {
  private readonly limiters: Record<LimitedAction, RateLimiterAbstract>;

  constructor(config: AppConfig, store: LimiterStore) {
    const { loginPerMinute, registerPerMinute } = config.rateLimits;
    // Same Redis keys as before ("rl:login", "rl:register"): the store prefixes "rl:".
    this.limiters = { login: store.limiter("login", loginPerMinute, 60), register: store.limiter("register", registerPerMinute, 60) };
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
}
