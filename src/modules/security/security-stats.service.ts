import { raw } from "@mikro-orm/core";
import type { EntityManager as SqlEntityManager } from "@mikro-orm/knex";
import type { AppConfig } from "../../config.js";
import { BadUserInputError } from "../../core/errors.js";
import type { PageRequest } from "../../core/paging.js";
import type { RequestScope } from "../../core/scope.js";
import { paginate } from "../../db/pagination.js";
import { AuditEvent } from "../audit/audit-event.entity.js";
import { AuditAction } from "../audit/audit.actions.js";
import { Session } from "../auth/session.entity.js";
import { User } from "../users/user.entity.js";
import { HOUR_MS, hourNumberSql } from "./hour-bucket.sql.js";
import type { SecurityEventCounts, SecurityStats, SecurityStatsBucket } from "./security-stats.types.js";

const MAX_RANGE_MS = 31 * 24 * HOUR_MS;

/** The audit actions the dashboard counts, and the counter each one feeds. */
const COUNTED: Record<string, keyof SecurityEventCounts> = {
  [AuditAction.LOGIN_SUCCEEDED]: "successfulLogins",
  [AuditAction.LOGIN_FAILED]: "failedLogins",
  [AuditAction.SSO_SIGN_IN]: "successfulLogins",
  [AuditAction.SSO_SIGN_IN_FAILED]: "failedLogins",
  [AuditAction.ACCOUNT_LOCKED]: "lockouts",
  [AuditAction.REFRESH_TOKEN_REUSED]: "refreshTokenReuses",
  [AuditAction.RATE_LIMITED]: "rateLimitHits",
  [AuditAction.SECOND_FACTOR_SUCCEEDED]: "secondFactorSuccesses",
  [AuditAction.SECOND_FACTOR_FAILED]: "secondFactorFailures",
  [AuditAction.SECOND_FACTOR_RESET]: "secondFactorResets",
};

const zero = (): SecurityEventCounts => ({ successfulLogins: 0, failedLogins: 0, lockouts: 0, refreshTokenReuses: 0, rateLimitHits: 0, secondFactorSuccesses: 0, secondFactorFailures: 0, secondFactorResets: 0 });

/**
 * The security dashboard, computed from the audit trail and the sessions table (so it survives
 * restarts and agrees across instances). Events are grouped by hour in SQL: one query, one row
 * per action and hour, however many events an attack produced.
 */
export class SecurityStatsService {
  constructor(private readonly dialect: AppConfig["database"]["kind"]) {}

  /** Counts over [from, to); `lockedAccountsNow` by the scope's clock. */
  async stats(scope: RequestScope, from: Date, to: Date): Promise<SecurityStats> {
    const { em } = scope;
    const now = scope.clock.now();
    if (!(from < to)) throw new BadUserInputError('"from" must be before "to".', "range.from");
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new BadUserInputError("The range may span at most 31 days.", "range.to");

    const firstHour = Math.floor(from.getTime() / HOUR_MS);
    const lastHour = Math.floor((to.getTime() - 1) / HOUR_MS);
    const buckets = new Map<number, SecurityStatsBucket>();
    for (let h = firstHour; h <= lastHour; h++) buckets.set(h, { start: new Date(h * HOUR_MS), ...zero() });
    const totals = zero();

    const hour = hourNumberSql(this.dialect, "e.created_at");
    const sqlEm = em as SqlEntityManager;
    const rows = await sqlEm
      .createQueryBuilder(AuditEvent, "e")
      .select(["e.action", raw(`${hour} as hour`), raw("count(*) as n")])
      .where({ action: { $in: Object.keys(COUNTED) as AuditAction[] }, createdAt: { $gte: from, $lt: to } })
      .groupBy(["e.action", raw(hour)])
      .execute<{ action: string; hour: number | string; n: number | string }[]>("all", false);
    for (const row of rows) {
      const counter = COUNTED[row.action];
      if (!counter) continue;
      const n = Number(row.n);
      totals[counter] += n;
      const bucket = buckets.get(Number(row.hour));
      if (bucket) bucket[counter] += n;
    }

    // Sessions in use during the window; see the field descriptions in security-stats.types.ts.
    const activeWhere = {
      createdAt: { $lt: to },
      lastActiveAt: { $gte: from },
      $and: [{ $or: [{ revokedAt: null }, { revokedAt: { $gte: from } }] }, { expiresAt: { $gte: from } }],
    };
    const [activeSessions, activeUsers, lockedAccountsNow] = await Promise.all([
      em.count(Session, activeWhere),
      sqlEm
        .createQueryBuilder(Session)
        .count("user", true)
        .where(activeWhere)
        .execute<{ count: number | string }>("get")
        .then((row) => Number(row?.count ?? 0)),
      em.count(User, { lockedUntil: { $gt: now } }),
    ]);

    return { from, to, ...totals, activeSessions, activeUsers, lockedAccountsNow, buckets: [...buckets.values()] };
  }

  /** Accounts locked out now, the longest lockout first. */
  lockedAccounts(scope: RequestScope, page: PageRequest) {
    return paginate(scope.em, User, { lockedUntil: { $gt: scope.clock.now() } }, { field: "lockedUntil", direction: "DESC" }, page);
  }
}
