import type { RequestScope } from "./scope.js";

/** One unit of a job's work: `key` is its idempotency key (unique within the job), `data` what the handler needs. */
export interface JobUnit<D = unknown> {
  key: string;
  data: D;
}

/** What a job's `units` lister may ask of the runner besides the scope. */
export interface JobUnitsScope extends RequestScope {
  /** When a unit of this job with `key` was done (by any earlier run), or null: for work that must wait after another unit. */
  completedAt(key: string): Promise<Date | null>;
}

/** What a unit handler is told about its run. */
export interface JobUnitOptions {
  /** True: report what the unit would do and write nothing (the runner rolls the transaction back as well). */
  dryRun: boolean;
}

/**
 * A job: a name, a default cron schedule (null: only run by hand) and two functions. `units`
 * lists the work as idempotency-keyed units; `run` does one unit inside a database transaction
 * the runner opens (scope.em is that transaction's: services called with the scope join it), and
 * the runner records the unit as done in the same transaction, so a unit's effect and its "done"
 * commit together or not at all. `run` returns a short description of what it did (or would do).
 */
export interface JobDefinition<D = unknown> {
  name: string;
  description: string;
  /** A cron expression (5 or 6 fields, croner syntax), or null for manual runs only. JOBS_SCHEDULES overrides it. */
  schedule: string | null;
  units(scope: JobUnitsScope): Promise<JobUnit<D>[]>;
  run(scope: RequestScope, unit: JobUnit<D>, options: JobUnitOptions): Promise<string | void>;
}

const JOB_NAME = /^[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)*$/;

/** Declares a job (checked once, at definition); register it in src/services.ts with `jobs.register(...)`. */
export function defineJob<D>(definition: JobDefinition<D>): JobDefinition<D> {
  if (!JOB_NAME.test(definition.name) || definition.name.length > 64) throw new Error(`Job name "${definition.name}" must be lowercase words joined by dots or dashes, at most 64 characters.`);
  return definition;
}
