import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { AppConfig } from "../../config.js";
import type { Viewer } from "../../core/identity.js";
import { AppError } from "../../core/errors.js";
import type { LimiterStore } from "./limiter-store.js";

/**
 * GitHub-style points: the query cost estimate (limits.ts counts every field, times the page
 * sizes) divided by 100, at least 1. A plain query costs 1 point; a page of 100 items with a
 * few fields costs a handful; the largest accepted query (QUERY_MAX_COST) costs ~500.
 */
const COST_PER_POINT = 100;
const WINDOW_SECONDS = 3600;

export function pointsFor(queryCost: number): number {
  return Math.max(1, Math.ceil(queryCost / COST_PER_POINT));
}

/** What a client needs to plan: the `rateLimit` query and the X-RateLimit-* headers. */
export interface RateLimitStatus {
  limit: number;
  /** Points this request cost (0 when it was not charged). */
  cost: number;
  used: number;
  remaining: number;
  resetAt: Date;
}

/** Queries and most mutations spend the caller's budget; sign-in mutations one of their own (graphql/rate-limit.plugin.ts). */
export type BudgetKind = "query" | "signIn";

/** The X-RateLimit-* headers every API response carries (reset in epoch seconds, as GitHub's). */
export function rateLimitHeaders(status: RateLimitStatus): Record<string, string> {
  return {
    "x-ratelimit-limit": String(status.limit),
    "x-ratelimit-remaining": String(status.remaining),
    "x-ratelimit-reset": String(Math.ceil(status.resetAt.getTime() / 1000)),
  };
}

export class QueryBudgetExceededError extends AppError {
  constructor(readonly budget: RateLimitStatus, readonly retryAfter: number, needed: number) {
    super(
      "RATE_LIMITED",
      `Rate limit exceeded: this query needs ${needed} points, ${budget.remaining} of ${budget.limit} remain this hour. The budget resets in ${retryAfter} seconds.`,
      { extensions: { retryAfter, limit: budget.limit, remaining: budget.remaining, cost: needed, resetAt: budget.resetAt.toISOString() }, logLevel: "info" },
    );
  }
}

/**
 * An hourly budget of points per caller: per API token, per user for signed-in sessions (all of
 * a user's sessions share one), per IP for anonymous callers. A query that does not fit is
 * refused without being charged, so one oversized query does not burn what is left.
 */
export class QueryBudget {
  private readonly perPrincipal: RateLimiterAbstract;
  private readonly perIp: RateLimiterAbstract;

  constructor(
    private readonly config: AppConfig["queryBudget"],
    private readonly store: LimiterStore,
  ) {
    this.perPrincipal = store.limiter("query-budget", config.pointsPerHour, WINDOW_SECONDS);
    this.perIp = store.limiter("query-budget-anonymous", config.anonymousPointsPerHour, WINDOW_SECONDS);
  }

  /**
   * Whose budget a request spends, as a stable key (also used to throttle the audit of hits).
   * Sign-in mutations spend a budget of their own per IP, as large as the anonymous one: spending
   * one must not lock everyone behind that address out of the other.
   */
  bucket(viewer: Viewer | null, ip: string, kind: BudgetKind = "query"): { key: string; limit: number; limiter: RateLimiterAbstract } {
    // While Redis is down this replica's share of the budget (limiter-store.ts), as its limiter enforces.
    const { pointsPerHour, anonymousPointsPerHour } = this.config;
    const principal = this.store.effectivePoints(pointsPerHour);
    const anonymous = this.store.effectivePoints(anonymousPointsPerHour);
    if (kind === "signIn") return { key: `signin:${ip}`, limit: anonymous, limiter: this.perIp };
    if (viewer?.apiTokenId) return { key: `token:${viewer.apiTokenId}`, limit: principal, limiter: this.perPrincipal };
    if (viewer) return { key: `user:${viewer.userId}`, limit: principal, limiter: this.perPrincipal };
    return { key: `ip:${ip}`, limit: anonymous, limiter: this.perIp };
  }

  async charge(viewer: Viewer | null, ip: string, points: number, kind: BudgetKind = "query"): Promise<RateLimitStatus> {
    const { key, limit, limiter } = this.bucket(viewer, ip, kind);
    const before = await this.peek(viewer, ip, kind);
    if (before.used + points > limit) throw new QueryBudgetExceededError(before, secondsUntil(before.resetAt), points);
    try {
      const after = await limiter.consume(key, points);
      return this.status(limit, points, after);
    } catch (rejection) {
      // A concurrent request took the rest first.
      if (rejection instanceof RateLimiterRes) {
        const status = this.status(limit, 0, rejection);
        throw new QueryBudgetExceededError(status, secondsUntil(status.resetAt), points);
      }
      throw rejection;
    }
  }

  /** The budget as it stands, without charging. */
  async peek(viewer: Viewer | null, ip: string, kind: BudgetKind = "query"): Promise<RateLimitStatus> {
    const { key, limit, limiter } = this.bucket(viewer, ip, kind);
    const res = await limiter.get(key);
    if (!res) return { limit, cost: 0, used: 0, remaining: limit, resetAt: new Date(Date.now() + WINDOW_SECONDS * 1000) };
    return this.status(limit, 0, res);
  }

  private status(limit: number, cost: number, res: RateLimiterRes): RateLimitStatus {
    const used = Math.min(res.consumedPoints, limit);
    return { limit, cost, used, remaining: Math.max(0, limit - res.consumedPoints), resetAt: new Date(Date.now() + Math.max(0, res.msBeforeNext)) };
  }
}

function secondsUntil(at: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - Date.now()) / 1000));
}
