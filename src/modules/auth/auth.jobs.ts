import { defineJob } from "../../core/jobs.js";
import { RefreshToken } from "./refresh-token.entity.js";
import { Session } from "./session.entity.js";

/** Sessions stay listed (and their refresh tokens checked for reuse) a day past their expiry. */
const GRACE_MS = 86_400_000;

/**
 * Deletes expired refresh tokens and sessions, hourly (one unit per hour; deleting is
 * idempotent). An expired one can sign nobody in, so nothing else changes.
 */
export const expiredSessionsPurgeJob = () =>
  defineJob<{ before: number }>({
    name: "auth.purge-expired",
    description: "Deletes refresh tokens and sessions that expired more than a day ago.",
    schedule: "17 * * * *",
    async units(scope) {
      const now = scope.clock.now();
      return [{ key: `before:${now.toISOString().slice(0, 13)}`, data: { before: now.getTime() - GRACE_MS } }];
    },
    async run(scope, { data }, { dryRun }) {
      const before = new Date(data.before);
      if (dryRun) {
        const [tokens, sessions] = await Promise.all([scope.em.count(RefreshToken, { expiresAt: { $lt: before } }), scope.em.count(Session, { expiresAt: { $lt: before } })]);
        return `would delete ${tokens} refresh token(s) and ${sessions} session(s)`;
      }
      const tokens = await scope.em.nativeDelete(RefreshToken, { expiresAt: { $lt: before } });
      const sessions = await scope.em.nativeDelete(Session, { expiresAt: { $lt: before } });
      return `deleted ${tokens} refresh token(s) and ${sessions} session(s)`;
    },
  });
