import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import type { Orm } from "../../db/orm.js";
import type { RequestMeta, Viewer } from "../../graphql/context.js";
import { recordAudit } from "../audit/audit.service.js";
import { AuditAction } from "../audit/audit.actions.js";

/** One audit event per caller and limit per minute: a flood must not become a flood of writes. */
const THROTTLE_MS = 60_000;

/**
 * Records rate-limit hits (the query budget, and the per-IP sign-in, registration and account
 * email limits) as RATE_LIMITED audit events, so the security dashboard counts them from the
 * trail rather than from counters that reset on restart.
 */
export class RateLimitAudit {
  private readonly recent = new LRUCache<string, true>({ max: 50_000, ttl: THROTTLE_MS });
  logger: Pick<Logger, "error"> | undefined;

  constructor(private readonly orm: Orm) {}

  async record(request: RequestMeta, viewer: Viewer | null, limit: string, caller: string): Promise<void> {
    const key = `${limit}|${caller}`;
    if (this.recent.has(key)) return;
    this.recent.set(key, true);
    try {
      const em = this.orm.em.fork();
      recordAudit(em, request, {
        action: AuditAction.RATE_LIMITED,
        actorId: viewer?.userId ?? null,
        targetType: viewer?.apiTokenId ? "ApiToken" : viewer ? "User" : undefined,
        targetId: viewer?.apiTokenId ?? viewer?.userId,
        details: { limit, caller },
      });
      await em.flush();
    } catch (error) {
      this.logger?.error({ err: error }, "could not audit a rate-limit hit");
    }
  }
}
