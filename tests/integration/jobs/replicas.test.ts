import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainEventRecord } from "../../../src/db/domain-event.entity.js";
import { JobRun, JobTrigger } from "../../../src/modules/jobs/job-run.entity.js";
import { onSqlite } from "../../support/dialect.js";
import { DAY, HOUR, mailTo, useClock } from "../../support/mailbox.js";
import { ticketIn } from "../tickets/ticket-helpers.js";
import { eventually, startReplicas, type Replicas } from "../replicas/support.js";
import { START_JOB, JOB_RUNS, type RunTotals } from "./support.js";

/**
 * Two replicas on one MariaDB database run the same jobs at once: every second by their
 * schedules (each tick run by one of them), and by hand on both at the same moment. Every
 * effect (a reminder, its mail) happens once per ticket. The embedded database is one process.
 */
describe.skipIf(onSqlite)("jobs on two replicas", () => {
  let r: Replicas;
  let customer: { id: string; email: string; token: string };
  let agent: { token: string };
  const em = () => r.a.server.services.orm.em.fork();
  const remindersOf = async (kind: string) =>
    (await em().find(DomainEventRecord, { type: "ticket.reminded" })).filter((e) => (e.payload as { kind: string }).kind === kind).map((e) => e.targetId);

  beforeAll(async () => {
    r = await startReplicas({
      SESSION_IDLE_MINUTES: "43200",
      JOBS_ENABLED: "true",
      // The auto-close job every second on both replicas; the waiting reminder only by hand.
      JOBS_SCHEDULES: JSON.stringify({ "tickets.auto-close": "* * * * * *", "tickets.waiting-reminder": "off", "events.purge": "off", "auth.purge-expired": "off", "account.purge-expired-links": "off", "idempotency.purge": "off" }),
      JOBS_CONCURRENCY: "2",
    });
    agent = await r.a.createUser("AGENT");
    customer = await r.a.createUser("CUSTOMER");
  }, 180_000);

  afterAll(async () => {
    await r?.close();
  });

  it("runs each scheduled tick on one replica and reminds each requester once", async () => {
    const tickets = [];
    for (let i = 0; i < 6; i++) tickets.push(await ticketIn(r.a, agent.token, customer.token, "RESOLVED"));
    const scheduledRuns = () => em().count(JobRun, { jobName: "tickets.auto-close", trigger: JobTrigger.SCHEDULE });
    useClock(r.a).advance(5 * DAY + HOUR);
    useClock(r.b).advance(5 * DAY + HOUR);
    await eventually("all six reminders", async () => (await remindersOf("CLOSE_PENDING")).length >= 6, 60_000);
    // A few more ticks on both replicas find nothing left to do.
    const after = await scheduledRuns();
    await eventually("three more scheduled runs", async () => (await scheduledRuns()) >= after + 3, 30_000);

    const reminded = await remindersOf("CLOSE_PENDING");
    expect(reminded.sort()).toEqual(tickets.map((t) => t.id).sort());
    expect(await mailTo(r.a, customer.email, "TICKET_REMINDER")).toHaveLength(6);
    // One run per tick: the (job, slot) key let one replica in.
    const runs = await em().find(JobRun, { jobName: "tickets.auto-close", trigger: JobTrigger.SCHEDULE });
    expect(new Set(runs.map((run) => run.slot)).size).toBe(runs.length);
    expect(runs.reduce((sum, run) => sum + run.processed, 0)).toBe(6);
  });

  it("splits a job started on both replicas at once between them, each unit done once", async () => {
    const waiting = [];
    for (let i = 0; i < 8; i++) waiting.push(await ticketIn(r.a, agent.token, customer.token, "WAITING_ON_CUSTOMER"));
    // Both clocks already stand 5 days on; the tickets started waiting now: 3 more days make them due.
    useClock(r.a).advance(8 * DAY + 2 * HOUR);
    useClock(r.b).advance(8 * DAY + 2 * HOUR);
    const [adminA, adminB] = [await r.a.adminToken(), await r.b.adminToken()];
    const started = await Promise.all([r.a.gql(START_JOB, { name: "tickets.waiting-reminder" }, adminA), r.b.gql(START_JOB, { name: "tickets.waiting-reminder" }, adminB)]);
    const ids = started.map((res) => res.data!.startJob.id as string);
    let runs: RunTotals[] = [];
    await eventually(
      "both runs finish",
      async () => {
        const res = await r.a.gql(JOB_RUNS, { name: "tickets.waiting-reminder", first: 10 }, adminA);
        runs = (res.data!.jobRuns.nodes as RunTotals[]).filter((run) => ids.includes(run.id));
        return runs.length === 2 && runs.every((run) => run.status !== "RUNNING");
      },
      60_000,
    );
    for (const run of runs) expect(run).toMatchObject({ status: "SUCCEEDED", total: 8, errors: 0 });
    expect(runs[0]!.processed + runs[1]!.processed).toBe(8);
    const reminded = await remindersOf("AWAITING_REPLY");
    expect(reminded.sort()).toEqual(waiting.map((t) => t.id).sort());
  });
});
