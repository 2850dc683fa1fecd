import { Entity, Index, Property, Unique } from "@mikro-orm/core";
import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";

export enum JobTrigger {
  SCHEDULE = "SCHEDULE",
  MANUAL = "MANUAL",
  CLI = "CLI",
}

export enum JobRunStatus {
  RUNNING = "RUNNING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
}

registerEnumType(JobTrigger, {
  name: "JobTrigger",
  description: "What started a job run.",
  valuesConfig: {
    SCHEDULE: { description: "Its cron schedule (one replica per tick)." },
    MANUAL: { description: "An admin, with startJob." },
    CLI: { description: "An operator, with the `jobs run` command." },
  },
});

registerEnumType(JobRunStatus, {
  name: "JobRunStatus",
  description: "Where a job run stands.",
  valuesConfig: {
    RUNNING: { description: "Still working (or its process died; its units are resumed by the next run once their lease ends)." },
    SUCCEEDED: { description: "Every unit was done or skipped." },
    FAILED: { description: "Some units failed after their retries, or the units could not be listed." },
  },
});

/**
 * One run of a job, with its totals. A scheduled run takes its tick's `slot`: (job, slot) is
 * unique, so of the replicas whose timers fire for the same tick exactly one inserts the row and
 * runs; manual and CLI runs have no slot (NULLs never collide).
 */
@ObjectType({ description: "One run of a job, with what it did." })
@Entity({ tableName: "job_runs" })
@Unique({ name: "job_runs_slot_unique", properties: ["jobName", "slot"] })
@Index({ name: "job_runs_job_index", properties: ["jobName", "startedAt"] })
export class JobRun extends BaseEntity<"status" | "finishedAt" | "total" | "processed" | "skipped" | "errors" | "report" | "startedById" | "slot"> {
  @Field(() => String, { description: "The job's name." })
  @Property({ type: "string", length: 64 })
  jobName!: string;

  @Field(() => JobTrigger, { description: "What started it." })
  @Property({ type: "string", length: 16 })
  trigger!: JobTrigger;

  @Field(() => Boolean, { description: "A dry run: it reported what it would do and changed nothing." })
  @Property({ type: "boolean" })
  dryRun!: boolean;

  /** The scheduled tick (ISO time) for SCHEDULE runs; null otherwise. */
  @Property({ type: "string", length: 32, nullable: true })
  slot: string | null = null;

  @Field(() => String, { nullable: true, description: "The admin who started it (MANUAL runs)." })
  @Property({ type: "uuid", length: 36, nullable: true })
  startedById: string | null = null;

  @Field(() => JobRunStatus, { description: "Where it stands." })
  @Property({ type: "string", length: 16 })
  status: JobRunStatus = JobRunStatus.RUNNING;

  @Field(() => Date, { description: "When it started." })
  @Property({ type: "datetime", length: 3 })
  startedAt!: Date;

  @Field(() => Date, { nullable: true, description: "When it finished; null while running." })
  @Property({ type: "datetime", length: 3, nullable: true })
  finishedAt: Date | null = null;

  @Field(() => Int, { description: "Units the job listed." })
  @Property({ type: "integer" })
  total: number = 0;

  @Field(() => Int, { description: "Units this run did (or, in a dry run, would do)." })
  @Property({ type: "integer" })
  processed: number = 0;

  @Field(() => Int, { description: "Units skipped: done by an earlier run (idempotency key seen) or being done by another run." })
  @Property({ type: "integer" })
  skipped: number = 0;

  @Field(() => Int, { description: "Units that failed after their retries." })
  @Property({ type: "integer" })
  errors: number = 0;

  @Field(() => String, { nullable: true, description: "What it did or would do, a line per unit (the first 200), and errors; null while running." })
  @Property({ type: "text", nullable: true })
  report: string | null = null;
}
