import { LockMode, UniqueConstraintViolationException, type EntityManager } from "@mikro-orm/core";
import { v7 as uuidv7 } from "uuid";
import type { SqlEntityManager } from "@mikro-orm/knex";
import type { Clock } from "../../core/clock.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { JobDefinition, JobUnit, JobUnitsScope } from "../../core/jobs.js";
import { NotFoundError } from "../../core/errors.js";
import { systemScope, type RequestScope } from "../../core/scope.js";
import type { Orm } from "../../db/orm.js";
import { JobRun, JobRunStatus, type JobTrigger } from "./job-run.entity.js";
import { JobUnitRecord, JobUnitStatus } from "./job-unit.entity.js";

/** The runner's settings (JOBS_* in config.ts). */
export interface JobSettings {
  /** Scheduled runs on (JOBS_ENABLED); manual and CLI runs work either way. */
  enabled: boolean;
  /** Per-job cron overrides (JOBS_SCHEDULES); "off" disables a job's schedule. */
  schedules: Readonly<Record<string, string>>;
  concurrency: number;
  maxRetries: number;
  retryBaseMs: number;
  leaseSeconds: number;
}

export interface RunOptions {
  trigger: JobTrigger;
  dryRun?: boolean;
  concurrency?: number;
  maxRetries?: number;
  startedById?: string | null;
  /** The scheduled tick; a run whose (job, slot) row exists already is not started (another replica has it). */
  slot?: string;
}

/** What a run did: the CLI prints it, the run's row keeps it. */
export interface RunSummary {
  runId: string;
  status: JobRunStatus;
  total: number;
  processed: number;
  skipped: number;
  errors: number;
  lines: string[];
}

const REPORT_LINES = 200;
const KEY_MAX = 191;
const CHUNK = 500;
const MAX_BACKOFF_MS = 60_000;

/** Thrown inside a dry run's transaction to roll it back with the unit's report. */
class DryRunRollback extends Error {
  constructor(readonly report: string) {
    super("dry run");
  }
}

/** Thrown when a unit's lease passed to another run before this one could commit it. */
class LostLease extends Error {}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000);

/**
 * Runs registered jobs (see core/jobs.ts for how to define one). One design on both databases:
 * the units' idempotency keys are rows of `job_units`, claimed with a lease under a row lock
 * (FOR UPDATE SKIP LOCKED on MySQL/MariaDB, so replicas working one job at once split its units;
 * the embedded SQLite has one writer), and a unit's effect commits in the same transaction as its
 * DONE mark. docs/operations.md, "Jobs", says why this and not a Redis queue.
 */
export class JobRunner {
  private readonly jobs = new Map<string, JobDefinition<unknown>>();
  /** The business clock, read at every use: tests replace `services.clock`. */
  clock: () => Clock;

  constructor(
    private readonly orm: Orm,
    private readonly events: DomainEvents,
    readonly settings: JobSettings,
    private readonly locks: boolean,
    clock: Clock,
  ) {
    this.clock = () => clock;
  }

  /** Adds a job; a second job of the same name is a programming error. */
  register<D>(job: JobDefinition<D>): void {
    if (this.jobs.has(job.name)) throw new Error(`Job "${job.name}" is registered twice`);
    this.jobs.set(job.name, job as JobDefinition<unknown>);
  }

  list(): JobDefinition<unknown>[] {
    return [...this.jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): JobDefinition<unknown> {
    const job = this.jobs.get(name);
    if (!job) throw new NotFoundError("Job", name);
    return job;
  }

  /** The cron expression a job runs on here (JOBS_SCHEDULES over its default), or null when it runs only by hand. */
  scheduleOf(job: Pick<JobDefinition<unknown>, "name" | "schedule">): string | null {
    const configured = this.settings.schedules[job.name];
    if (configured !== undefined) return configured === "off" ? null : configured;
    return job.schedule;
  }

  /** Runs a job once; null when `slot` is taken (another replica runs this tick). */
  async run(name: string, options: RunOptions): Promise<RunSummary | null> {
    const started = await this.start(name, options);
    return started && started.finished;
  }

  /** Records a run of the job and starts it: the run's row at once, its summary when it finishes (null: `slot` taken). */
  async start(name: string, options: RunOptions): Promise<{ run: JobRun; finished: Promise<RunSummary> } | null> {
    const job = this.get(name);
    const dryRun = options.dryRun ?? false;
    const run = await this.openRun(job.name, options, dryRun);
    if (!run) return null;
    return { run, finished: this.work(job, run, options, dryRun) };
  }

  private async work(job: JobDefinition<unknown>, run: JobRun, options: RunOptions, dryRun: boolean): Promise<RunSummary> {
    const summary: RunSummary = { runId: run.id, status: JobRunStatus.SUCCEEDED, total: 0, processed: 0, skipped: 0, errors: 0, lines: [] };
    const note = (line: string) => summary.lines.length < REPORT_LINES && summary.lines.push(line);
    try {
      const units = dedupe(await job.units(this.unitsScope(job.name, run.id)));
      summary.total = units.length;
      const records = dryRun ? await this.existing(job.name, units) : await this.ensureRecords(job.name, units);
      const todo = units.filter((unit) => {
        if (records.get(unit.key)?.status !== JobUnitStatus.DONE) return true;
        summary.skipped++;
        return false;
      });
      await pool(todo, Math.max(1, options.concurrency ?? this.settings.concurrency), async (unit) => {
        const outcome = dryRun ? await this.dryRunUnit(job, run.id, unit) : await this.doUnit(job, run.id, records.get(unit.key)!, unit, options.maxRetries ?? this.settings.maxRetries);
        if (outcome.kind === "done") summary.processed++;
        else if (outcome.kind === "skipped") summary.skipped++;
        else summary.errors++;
        if (outcome.line) note(`${unit.key}: ${outcome.line}`);
      });
    } catch (error) {
      summary.errors++;
      note(`listing the units failed: ${describe(error)}`);
    }
    summary.status = summary.errors ? JobRunStatus.FAILED : JobRunStatus.SUCCEEDED;
    await this.orm.em.fork().nativeUpdate(
      JobRun,
      { id: run.id },
      { status: summary.status, finishedAt: this.clock().now(), total: summary.total, processed: summary.processed, skipped: summary.skipped, errors: summary.errors, report: summary.lines.join("\n") },
    );
    return summary;
  }

  private async openRun(jobName: string, options: RunOptions, dryRun: boolean): Promise<JobRun | null> {
    const em = this.orm.em.fork();
    const run = em.create(JobRun, { jobName, trigger: options.trigger, dryRun, slot: options.slot ?? null, startedById: options.startedById ?? null, startedAt: this.clock().now() });
    try {
      await em.flush();
      return run;
    } catch (error) {
      if (options.slot && error instanceof UniqueConstraintViolationException) return null;
      throw error;
    }
  }

  private scope(em: EntityManager, jobName: string, runId: string): RequestScope {
    return systemScope(em, this.clock(), `job:${jobName}:${runId}`);
  }

  private unitsScope(jobName: string, runId: string): JobUnitsScope {
    const scope = this.scope(this.orm.em.fork(), jobName, runId);
    return {
      ...scope,
      completedAt: async (key) =>
        (await this.orm.em.fork().findOne(JobUnitRecord, { jobName, key, status: JobUnitStatus.DONE }, { fields: ["completedAt"], disableIdentityMap: true }))?.completedAt ?? null,
    };
  }

  /** Inserts a row for every key not seen before (a duplicate insert by a concurrent run is ignored), then reads them all. */
  private async ensureRecords(jobName: string, units: JobUnit[]): Promise<Map<string, JobUnitRecord>> {
    const em = this.orm.em.fork();
    const now = new Date();
    for (let i = 0; i < units.length; i += CHUNK) {
      const rows = units.slice(i, i + CHUNK).map((u) => ({ id: uuidv7(), jobName, key: u.key, status: JobUnitStatus.PENDING, attempts: 0, createdAt: now, updatedAt: now }));
      await (em as SqlEntityManager).createQueryBuilder(JobUnitRecord).insert(rows).onConflict(["jobName", "key"]).ignore().execute();
    }
    return this.existing(jobName, units);
  }

  private async existing(jobName: string, units: JobUnit[]): Promise<Map<string, JobUnitRecord>> {
    const em = this.orm.em.fork();
    const found = new Map<string, JobUnitRecord>();
    for (let i = 0; i < units.length; i += CHUNK) {
      const keys = units.slice(i, i + CHUNK).map((u) => u.key);
      for (const row of await em.find(JobUnitRecord, { jobName, key: { $in: keys } }, { disableIdentityMap: true })) found.set(row.key, row);
    }
    return found;
  }

  /**
   * Claims a unit (a lease, under a row lock another run skips), then does it: the handler's
   * writes and the DONE mark commit together. Failures retry with exponential backoff while the
   * lease is extended; after the last one the unit is FAILED and the next run tries again.
   */
  private async doUnit(job: JobDefinition<unknown>, runId: string, record: JobUnitRecord, unit: JobUnit, maxRetries: number): Promise<Outcome> {
    if (!(await this.claim(record.id, runId))) return { kind: "skipped", line: "being done by another run" };
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.events.transaction(this.scope(this.orm.em.fork(), job.name, runId), async (tx) => {
          const row = await tx.em.findOne(JobUnitRecord, { id: record.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
          if (!row || row.status === JobUnitStatus.DONE || row.runId !== runId) throw new LostLease();
          const done = (await job.run(tx, unit, { dryRun: false })) ?? "done";
          Object.assign(row, { status: JobUnitStatus.DONE, attempts: row.attempts + 1, result: done.slice(0, 1000), lastError: null, leasedUntil: null, completedAt: tx.clock.now() });
          return done;
        });
        return { kind: "done", line: result };
      } catch (error) {
        if (error instanceof LostLease) return { kind: "skipped", line: "done by another run meanwhile" };
        const last = attempt >= maxRetries;
        const now = this.clock().now();
        await this.orm.em.fork().nativeUpdate(
          JobUnitRecord,
          { id: record.id, runId },
          last
            ? { status: JobUnitStatus.FAILED, lastError: describe(error), leasedUntil: null, attempts: record.attempts + attempt + 1 }
            : { lastError: describe(error), leasedUntil: this.leaseFrom(now), attempts: record.attempts + attempt + 1 },
        );
        if (last) return { kind: "error", line: `failed after ${attempt + 1} attempt(s): ${describe(error)}` };
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_BACKOFF_MS, this.settings.retryBaseMs * 2 ** attempt)));
      }
    }
  }

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.settings.leaseSeconds * 1000);
  }

  /** Takes the unit's lease unless it is done or another live run holds it (SKIP LOCKED: a unit being claimed is skipped, not waited for). */
  private async claim(unitId: string, runId: string): Promise<boolean> {
    const now = this.clock().now();
    return this.orm.em.fork().transactional(async (tx) => {
      const [row] = await tx.find(
        JobUnitRecord,
        { id: unitId, status: { $ne: JobUnitStatus.DONE }, $or: [{ leasedUntil: null }, { leasedUntil: { $lt: now } }] },
        { fields: ["id"], ...(this.locks ? { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE } : {}) },
      );
      if (!row) return false;
      await tx.nativeUpdate(JobUnitRecord, { id: unitId }, { runId, leasedUntil: this.leaseFrom(now), status: JobUnitStatus.PENDING });
      return true;
    });
  }

  /** Runs the handler with `dryRun` in a transaction that is always rolled back: nothing it might write stays. */
  private async dryRunUnit(job: JobDefinition<unknown>, runId: string, unit: JobUnit): Promise<Outcome> {
    try {
      await this.events.transaction(this.scope(this.orm.em.fork(), job.name, runId), async (tx) => {
        throw new DryRunRollback((await job.run(tx, unit, { dryRun: true })) ?? "would be done");
      });
      return { kind: "done", line: "would be done" };
    } catch (error) {
      if (error instanceof DryRunRollback) return { kind: "done", line: error.report };
      return { kind: "error", line: `would fail: ${describe(error)}` };
    }
  }
}

type Outcome = { kind: "done" | "skipped" | "error"; line?: string };

function dedupe(units: JobUnit[]): JobUnit[] {
  const seen = new Map<string, JobUnit>();
  for (const unit of units) {
    if (!unit.key || unit.key.length > KEY_MAX) throw new Error(`A unit's key must have 1 to ${KEY_MAX} characters: "${unit.key.slice(0, 40)}…"`);
    if (!seen.has(unit.key)) seen.set(unit.key, unit);
  }
  return [...seen.values()];
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
