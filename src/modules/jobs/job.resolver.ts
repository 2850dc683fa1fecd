import { Arg, Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { JobRun } from "./job-run.entity.js";
import type { JobInfo } from "./job.service.js";
import { Job, JobRunConnection } from "./job.types.js";

@Resolver(() => Job)
export class JobResolver {
  @Query(() => [Job], { description: "Every background job with its schedule and latest runs. Admins." })
  jobs(@Ctx() ctx: Context): Promise<JobInfo[]> {
    return ctx.services.jobs.list(ctx);
  }

  @Query(() => JobRunConnection, { description: "A job's runs, newest first. Admins." })
  jobRuns(@Arg("jobName", () => String, { description: "The job." }) jobName: string, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Connection<JobRun>> {
    return ctx.services.jobs.runs(ctx, jobName, page);
  }

  @Mutation(() => JobRun, { description: "Starts a run of a job now and returns it while it works (poll `jobRuns` for its totals). A dry run reports what it would do and changes nothing. Admins; audited." })
  startJob(
    @Arg("name", () => String, { description: "The job." }) name: string,
    @Arg("dryRun", () => Boolean, { defaultValue: false, description: "Only report what the run would do." }) dryRun: boolean,
    @Ctx() ctx: Context,
  ): Promise<JobRun> {
    return ctx.services.jobs.start(ctx, name, dryRun);
  }
}
