import { Cron } from "croner";
import type { Logger } from "pino";
import { JobTrigger } from "./job-run.entity.js";
import type { JobRunner } from "./job.runner.js";

/**
 * Starts each job's scheduled runs: a croner timer per job with a schedule (JOBS_SCHEDULES
 * overrides, JOBS_ENABLED=false stops them all). Every replica's timer fires; the run row's
 * unique (job, slot) lets one of them run the tick (job.runner.ts), and `protect` skips a tick
 * while this process still runs the previous one.
 */
export class JobScheduler {
  private readonly timers: Cron[] = [];
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly runner: JobRunner) {}

  /** The next time a job's schedule fires here, or null when it has none (or schedules are off). */
  nextRun(jobName: string): Date | null {
    if (!this.runner.settings.enabled) return null;
    const schedule = this.runner.scheduleOf(this.runner.get(jobName));
    return schedule ? new Cron(schedule, { paused: true }).nextRun() : null;
  }

  start(logger: Pick<Logger, "error" | "info">): void {
    if (!this.runner.settings.enabled) return;
    for (const job of this.runner.list()) {
      const schedule = this.runner.scheduleOf(job);
      if (!schedule) continue;
      const timer = new Cron(schedule, { protect: true }, async (self: Cron) => {
        const slot = tickOf(self);
        const run = this.runner
          .run(job.name, { trigger: JobTrigger.SCHEDULE, slot })
          .then((summary) => summary && (summary.processed || summary.errors) && logger.info({ job: job.name, ...summary, lines: undefined }, "scheduled job ran"))
          .catch((error: unknown) => logger.error({ err: error, job: job.name }, "a scheduled job run failed"));
        this.running.add(run);
        await run.finally(() => this.running.delete(run));
      });
      this.timers.push(timer);
    }
  }

  /** Stops the timers and waits for the runs under way. */
  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) timer.stop();
    await Promise.allSettled([...this.running]);
  }
}

/**
 * The tick a timer fired for, the same on every replica: the latest scheduled time at or before
 * now (a timer fires a few milliseconds after its tick; 50 ms of slack for one that fires early).
 */
function tickOf(cron: Cron): string {
  const reference = new Date(Date.now() + 50);
  const [tick] = cron.previousRuns(1, reference);
  return (tick ?? new Date(Math.floor(Date.now() / 1000) * 1000)).toISOString();
}
