import type { Logger } from "pino";
import { systemClock, type Clock } from "../../core/clock.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { Viewer } from "../../core/identity.js";
import { createScope, type RequestMeta } from "../../core/scope.js";
import type { Orm } from "../../db/orm.js";
import type { LimiterStore } from "./limiter-store.js";

/**
 * One event per caller and limit per minute across the fleet (a claim in Redis, SET NX PX; per
 * replica while Redis is down): a flood must not become a flood of writes, and the security
 * dashboard must not count a hit once per replica.
 */
const THROTTLE_MS = 60_000;

/**
 * Raises rate_limit.hit for hits of the query budget and of the per-IP sign-in, registration and
 * account email limits (the audit trail records them as RATE_LIMITED, so the security dashboard
 * counts them from the trail rather than from counters that reset on restart). The refused
 * request writes nothing else, so the hit gets a transaction of its own, on its own
 * EntityManager: it is recorded even though the request fails.
 */
export class RateLimitAudit {
  logger: Pick<Logger, "error"> | undefined;
  /** Read at each hit: tests replace `services.clock` after start (startServices sets it). */
  clock: () => Clock = () => systemClock;

  constructor(
    private readonly orm: Orm,
    private readonly events: DomainEvents,
    private readonly claims: LimiterStore,
  ) {}

  async record(request: RequestMeta, viewer: Viewer | null, limit: string, caller: string): Promise<void> {
    try {
      if (!(await this.claims.claim(`rate-limit-audit:${limit}|${caller}`, THROTTLE_MS))) return;
      const scope = createScope({ em: this.orm.em.fork(), viewer, request, clock: this.clock() });
      const target = viewer?.apiTokenId ? { type: "ApiToken", id: viewer.apiTokenId } : viewer ? { type: "User", id: viewer.userId } : { type: "Request", id: request.requestId.slice(0, 64) };
      await this.events.transaction(scope, (tx) =>
        this.events.raise(tx, {
          type: "rate_limit.hit",
          actorId: viewer?.userId ?? null,
          target,
          refs: { userId: viewer?.userId ?? null },
          visibility: "ADMIN",
          payload: { limit, caller },
        }),
      );
    } catch (error) {
      this.logger?.error({ err: error }, "could not record a rate-limit hit");
    }
  }
}
