import { defineJob } from "../../core/jobs.js";
import { AccountToken } from "./account-token.entity.js";

/**
 * Deletes expired one-time links (email verification, password reset, sign-in links), hourly
 * (one unit per hour; deleting is idempotent). An expired link is refused anyway.
 */
export const expiredLinksPurgeJob = () =>
  defineJob<{ before: number }>({
    name: "account.purge-expired-links",
    description: "Deletes expired one-time links (email verification, password reset, sign-in).",
    schedule: "27 * * * *",
    async units(scope) {
      const now = scope.clock.now();
      return [{ key: `before:${now.toISOString().slice(0, 13)}`, data: { before: now.getTime() } }];
    },
    async run(scope, { data }, { dryRun }) {
      const where = { expiresAt: { $lt: new Date(data.before) } };
      if (dryRun) return `would delete ${await scope.em.count(AccountToken, where)} link(s)`;
      return `deleted ${await scope.em.nativeDelete(AccountToken, where)} link(s)`;
    },
  });
