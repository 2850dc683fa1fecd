import { Entity, Index, Property, Unique } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";

export enum JobUnitStatus {
  PENDING = "PENDING",
  DONE = "DONE",
  FAILED = "FAILED",
}

/**
 * One unit of a job's work, by its idempotency key: (job, key) is unique, so however many runs
 * list it, one row stands for it. A run claims it by taking a lease (`leasedUntil`, `runId`)
 * under a row lock (FOR UPDATE SKIP LOCKED on MySQL/MariaDB); the effect and `status = DONE`
 * then commit in one transaction. A killed run's effect rolls back with its connection and its
 * lease runs out, after which the next run does the unit: once.
 */
@Entity({ tableName: "job_units" })
@Unique({ name: "job_units_key_unique", properties: ["jobName", "key"] })
@Index({ name: "job_units_status_index", properties: ["jobName", "status"] })
export class JobUnitRecord extends BaseEntity<"status" | "attempts" | "lastError" | "result" | "leasedUntil" | "runId" | "completedAt"> {
  @Property({ type: "string", length: 64 })
  jobName!: string;

  @Property({ type: "string", length: 191 })
  key!: string;

  @Property({ type: "string", length: 16 })
  status: JobUnitStatus = JobUnitStatus.PENDING;

  @Property({ type: "integer" })
  attempts: number = 0;

  @Property({ type: "string", length: 1000, nullable: true })
  lastError: string | null = null;

  @Property({ type: "string", length: 1000, nullable: true })
  result: string | null = null;

  @Property({ type: "datetime", length: 3, nullable: true })
  leasedUntil: Date | null = null;

  @Property({ type: "uuid", length: 36, nullable: true })
  runId: string | null = null;

  @Property({ type: "datetime", length: 3, nullable: true })
  completedAt: Date | null = null;
}
