import type { RedisStatus } from "../modules/rate-limit/limiter-store.js";
import type { Services } from "../services.js";

export interface RedisReadiness {
  /** False only when Redis is down and REDIS_REQUIRED is set: /ready then answers 503. */
  ready: boolean;
  /** Redis is down but not required: the replica serves with per-replica limits (200, "degraded"). */
  degraded: boolean;
  /** For the /ready body; absent without REDIS_URL. */
  body: { redis?: RedisStatus & { required: boolean } };
}

/** Redis's part of /ready: its state, the fallback metrics, and whether its loss makes the replica unready. */
export async function redisReadiness(services: Pick<Services, "limiterStore" | "config">): Promise<RedisReadiness> {
  const status = await services.limiterStore.status();
  if (!status) return { ready: true, degraded: false, body: {} };
  const down = status.state !== "up";
  const required = services.config.redisRequired;
  return { ready: !(down && required), degraded: down && !required, body: { redis: { ...status, required } } };
}
