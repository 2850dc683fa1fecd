import { defineJob } from "../../core/jobs.js";
import type { EventRetention } from "./event.retention.js";

/**
 * Deletes durable events past EVENT_RETENTION_DAYS (event.retention.ts), hourly. One unit per
 * hour of cutoff: a second run in the same hour skips it; deleting is idempotent anyway.
 */
export const eventPurgeJob = (retention: EventRetention) =>
  defineJob<{ now: number }>({
    name: "events.purge",
    description: `Deletes durable events older than ${retention.retentionDays} days (EVENT_RETENTION_DAYS).`,
    schedule: "7 * * * *",
    async units(scope) {
      const now = scope.clock.now();
      return [{ key: `before:${now.toISOString().slice(0, 13)}`, data: { now: now.getTime() } }];
    },
    async run(scope, { data }, { dryRun }) {
      if (dryRun) return `would delete ${await retention.count(new Date(data.now), scope.em)} event(s)`;
      return `deleted ${await retention.prune(new Date(data.now), scope.em)} event(s)`;
    },
  });
