import { Field, ObjectType } from "type-graphql";
import { connectionType } from "../../graphql/connection.types.js";
import { JobRun } from "./job-run.entity.js";

@ObjectType({ description: "A background job: what it does, when it runs, and how its last runs went." })
export class Job {
  @Field(() => String, { description: "Its name, as `startJob` and the `jobs run` command take it." })
  name!: string;

  @Field(() => String, { description: "What it does." })
  description!: string;

  @Field(() => String, { nullable: true, description: "Its cron schedule here (JOBS_SCHEDULES overrides the default); null when it runs only by hand." })
  schedule!: string | null;

  @Field(() => Date, { nullable: true, description: "When its schedule fires next; null without a schedule or with JOBS_ENABLED=false." })
  nextRunAt!: Date | null;

  @Field(() => [JobRun], { description: "Its five latest runs, newest first." })
  lastRuns!: JobRun[];
}

export const JobRunConnection = connectionType(JobRun, "JobRun", "job run");
