import type { Logger } from "pino";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { Connection, PageRequest } from "../../core/paging.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { paginate } from "../../db/pagination.js";
import { JobRun, JobTrigger } from "./job-run.entity.js";
import type { JobRunner } from "./job.runner.js";
import type { JobScheduler } from "./job.scheduler.js";

const LAST_RUNS = 5;

/** A registered job as admins see it. */
export interface JobInfo {
  name: string;
  description: string;
  schedule: string | null;
  nextRunAt: Date | null;
  lastRuns: JobRun[];
}

/** Job administration: the jobs, their runs, and starting one by hand (audited). */
export class JobService {
  private readonly background = new Set<Promise<unknown>>();
  logger: Pick<Logger, "error"> | undefined;

  constructor(
    private readonly runner: JobRunner,
    private readonly scheduler: JobScheduler,
    private readonly events: DomainEvents,
  ) {}

  async list(scope: RequestScope): Promise<JobInfo[]> {
    const jobs = this.runner.list();
    const runs = await Promise.all(jobs.map((job) => scope.em.find(JobRun, { jobName: job.name }, { orderBy: { startedAt: "DESC", id: "DESC" }, limit: LAST_RUNS })));
    return jobs.map((job, i) => ({
      name: job.name,
      description: job.description,
      schedule: this.runner.scheduleOf(job),
      nextRunAt: this.scheduler.nextRun(job.name),
      lastRuns: runs[i]!,
    }));
  }

  runs(scope: RequestScope, jobName: string, page: PageRequest): Promise<Connection<JobRun>> {
    this.runner.get(jobName);
    return paginate(scope.em, JobRun, { jobName }, { field: "startedAt", direction: "DESC" }, page);
  }

  /** Starts a run now (for real or dry) and returns it while it works; the start is audited. */
  async start(scope: RequestScope, jobName: string, dryRun: boolean): Promise<JobRun> {
    const viewer = requireViewer(scope);
    const started = await this.runner.start(jobName, { trigger: JobTrigger.MANUAL, dryRun, startedById: viewer.userId });
    const { run, finished } = started!;
    const tracked = finished.catch((error: unknown) => this.logger?.error({ err: error, job: jobName }, "a job run failed")).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
    await this.events.transaction(scope, (tx) =>
      this.events.raise(tx, { type: "job.started", target: { type: "JobRun", id: run.id }, refs: { userId: viewer.userId }, visibility: "ADMIN", payload: { jobName, dryRun } }),
    );
    return run;
  }

  /** Waits for the runs started by hand (shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }
}
