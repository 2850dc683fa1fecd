import { defineJob } from "../../core/jobs.js";
import { IdempotencyKey } from "./idempotency-key.entity.js";

/** Deletes Idempotency-Key records past IDEMPOTENCY_KEY_HOURS, hourly (one unit per hour; deleting is idempotent). */
export const idempotencyKeyPurgeJob = () =>
  defineJob<{ before: number }>({
    name: "idempotency.purge",
    description: "Deletes expired Idempotency-Key records (IDEMPOTENCY_KEY_HOURS) and their stored responses.",
    schedule: "37 * * * *",
    async units(scope) {
      const now = scope.clock.now();
      return [{ key: `before:${now.toISOString().slice(0, 13)}`, data: { before: now.getTime() } }];
    },
    async run(scope, { data }, { dryRun }) {
      const where = { expiresAt: { $lt: new Date(data.before) } };
      if (dryRun) return `would delete ${await scope.em.count(IdempotencyKey, where)} key(s)`;
      return `deleted ${await scope.em.nativeDelete(IdempotencyKey, where)} key(s)`;
    },
  });
