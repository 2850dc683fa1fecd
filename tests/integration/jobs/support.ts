import type { TestServer } from "../../support/server.js";
import { eventually } from "../replicas/support.js";

/** Shared by the job suites: the documents they send and the steps they repeat. */

export const START_JOB = `mutation($name: String!, $dry: Boolean) { startJob(name: $name, dryRun: $dry) { id jobName status dryRun trigger } }`;
export const JOB_RUNS = `query($name: String!, $first: Int) { jobRuns(jobName: $name, first: $first) { totalCount nodes { id status trigger dryRun total processed skipped errors report finishedAt } } }`;
export const JOBS = `{ jobs { name description schedule nextRunAt lastRuns { id status total processed skipped errors } } }`;

export interface RunTotals {
  id: string;
  status: string;
  trigger: string;
  dryRun: boolean;
  total: number;
  processed: number;
  skipped: number;
  errors: number;
  report: string | null;
}

/** Starts a job through the admin API and waits for that run to finish; returns its totals. */
export async function runJob(t: TestServer, token: string, name: string, dryRun = false): Promise<RunTotals> {
  const started = await t.gql(START_JOB, { name, dry: dryRun }, token);
  if (started.errors) throw new Error(`startJob failed: ${JSON.stringify(started.errors)}`);
  const id = started.data!.startJob.id as string;
  let run: RunTotals | undefined;
  await eventually(
    `run ${id} of ${name} finishes`,
    async () => {
      const res = await t.gql(JOB_RUNS, { name, first: 20 }, token);
      run = (res.data?.jobRuns.nodes as RunTotals[] | undefined)?.find((r) => r.id === id);
      return run !== undefined && run.status !== "RUNNING";
    },
    60_000,
  );
  return run!;
}

export const ticketStatus = async (t: TestServer, token: string, id: string): Promise<string> =>
  (await t.gql(`query($id: ID!) { ticket(id: $id) { status } }`, { id }, token)).data!.ticket.status;
