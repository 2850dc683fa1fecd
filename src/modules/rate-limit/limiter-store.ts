import { growingLru } from "../../core/growing-lru.js";
import type { Logger } from "pino";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { AppConfig } from "../../config.js";
import { RedisLink, type RedisStatus } from "./redis-link.js";

export type { RedisStatus } from "./redis-link.js";

/**
 * The state every replica must share: rate limiters and "once per window" claims. In memory when
 * REDIS_URL is unset (one process); through one Redis connection when it is set, with an
 * in-memory stand-in while Redis is unreachable.
 *
 * The fallback policy: while Redis is down, each replica enforces its share of a limit,
 * limit / REPLICA_COUNT (at least 1), so the fleet's total stays what the limit promises; the
 * shared counts resume where they were once Redis answers again (ioredis reconnects on its own).
 * docs/operations.md, "Running several replicas", states it for operators.
 */
export class LimiterStore {
  private readonly link: RedisLink | null;
  private readonly replicaCount: number;
  /** Claims made while Redis is down (or without Redis): per process, like everything in memory. */
  private readonly localClaims = growingLru<string, true>(50_000, { ttl: 60_000 });

  constructor(config: Pick<AppConfig, "redisUrl" | "replicaCount">) {
    this.replicaCount = config.replicaCount;
    this.link = config.redisUrl ? new RedisLink(config.redisUrl, config.replicaCount) : null;
  }

  set logger(logger: Pick<Logger, "warn" | "info">) {
    if (this.link) this.link.logger = logger;
  }

  /** What a replica enforces of a shared `points` limit right now: all of it, or its share while Redis is down. */
  effectivePoints(points: number): number {
    return !this.link || this.link.isUp() ? points : this.share(points);
  }

  limiter(keyPrefix: string, points: number, durationSeconds: number): RateLimiterAbstract {
    if (!this.link) return new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
    const link = this.link;
    const insuranceLimiter = new FallbackLimiter({ keyPrefix, points: this.share(points), duration: durationSeconds }, () => link.fellBack());
    return new RateLimiterRedis({
      storeClient: link.client,
      keyPrefix: `rl:${keyPrefix}`,
      points,
      duration: durationSeconds,
      // Straight to the stand-in while the connection is not ready, instead of failing a command first.
      rejectIfRedisNotReady: true,
      insuranceLimiter,
    });
  }

  /**
   * True for the first caller of `key` in `ttlMs` across the fleet (SET NX PX), false for the
   * rest: "do this once per window" (rate-limit.audit.ts). Per process while Redis is down.
   */
  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (this.link?.isUp()) {
      try {
        return (await this.link.client.set(`claim:${key}`, "1", "PX", ttlMs, "NX")) === "OK";
      } catch (error) {
        this.link.commandFailed(error);
      }
    }
    if (this.link) this.link.fellBack();
    if (this.localClaims.has(key)) return false;
    this.localClaims.set(key, true, { ttl: ttlMs });
    return true;
  }

  /** Redis's state for /ready (null without REDIS_URL); pings a connection that looks up, so a hung server shows. */
  async status(): Promise<RedisStatus | null> {
    return this.link ? this.link.probe() : null;
  }

  close(): void {
    this.link?.close();
  }

  private share(points: number): number {
    return Math.max(1, Math.floor(points / this.replicaCount));
  }
}

/** The in-memory stand-in for a Redis limiter; counts each use as a fallback. */
class FallbackLimiter extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory["consume"]>): ReturnType<RateLimiterMemory["consume"]> {
    this.onUse();
    return super.consume(...args);
  }

  override get(...args: Parameters<RateLimiterMemory["get"]>): ReturnType<RateLimiterMemory["get"]> {
    this.onUse();
    return super.get(...args);
  }

  override penalty(...args: Parameters<RateLimiterMemory["penalty"]>): ReturnType<RateLimiterMemory["penalty"]> {
    this.onUse();
    return super.penalty(...args);
  }
}
