import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainEventRecord } from "../../../src/db/domain-event.entity.js";
import { JobUnitRecord } from "../../../src/modules/jobs/job-unit.entity.js";
import { ADD_COMMENT, ok, openTicket, ticketIn, transition } from "../tickets/ticket-helpers.js";
import { DAY, HOUR, mailTo, useClock, type TestClock } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { JOBS, runJob, START_JOB, ticketStatus } from "./support.js";

/**
 * The job runner through the admin API on one server (both databases): the jobs and their
 * schedules, a dry run that changes nothing, and the ticket life cycle on the business clock —
 * a reminder first, the close after, both by the system, and nothing for a ticket the customer
 * answered. Scheduled runs are off here (JOBS_ENABLED=false); replicas.test.ts covers them.
 */
let t: TestServer;
let clock: TestClock;
let admin: string;
let agent: { token: string };
let customer: { id: string; email: string; token: string };
let quiet: { id: string };
let answered: { id: string };
let waiting: { id: string };

beforeAll(async () => {
  // Sessions outlive the days the clock skips (SESSION_IDLE_MINUTES: 30 days).
  t = await startTestServer({ env: { SESSION_IDLE_MINUTES: "43200", TICKETS_AUTO_CLOSE_DAYS: "7", TICKETS_CLOSE_REMINDER_DAYS: "5", TICKETS_WAITING_REMINDER_DAYS: "3" } });
  clock = useClock(t);
  admin = await t.adminToken();
  agent = await t.createUser("AGENT");
  customer = await t.createUser("CUSTOMER");
  quiet = await ticketIn(t, agent.token, customer.token, "RESOLVED");
  answered = await ticketIn(t, agent.token, customer.token, "RESOLVED");
  ok(await t.gql(ADD_COMMENT, { i: { subjectId: answered.id, body: "Still broken, sorry." } }, customer.token), "addComment");
  waiting = await ticketIn(t, agent.token, customer.token, "WAITING_ON_CUSTOMER");
});

afterAll(async () => {
  await t?.close();
});

const em = () => t.server.services.orm.em.fork();

describe("jobs", () => {
  it("lists every job with its schedule to admins only", async () => {
    const jobs = ok<{ name: string; schedule: string | null; nextRunAt: string | null }[]>(await t.gql(JOBS, {}, admin), "jobs");
    expect(jobs.map((j) => j.name)).toEqual(expect.arrayContaining(["tickets.auto-close", "tickets.waiting-reminder", "events.purge", "auth.purge-expired", "account.purge-expired-links", "idempotency.purge"]));
    expect(jobs.find((j) => j.name === "tickets.auto-close")!.schedule).toBe("*/15 * * * *");
    expect(jobs.every((j) => j.nextRunAt === null)).toBe(true); // JOBS_ENABLED=false
    expect((await t.gql(JOBS, {}, agent.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(START_JOB, { name: "events.purge" }, agent.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(START_JOB, { name: "no.such-job" }, admin)).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("reports in a dry run what it would do, and writes nothing", async () => {
    clock.advance(5 * DAY + HOUR);
    const before = { events: await em().count(DomainEventRecord, {}), units: await em().count(JobUnitRecord, {}), mails: (await mailTo(t, customer.email)).length };
    const run = await runJob(t, admin, "tickets.auto-close", true);
    expect(run).toMatchObject({ status: "SUCCEEDED", dryRun: true, total: 1, processed: 1, skipped: 0, errors: 0 });
    expect(run.report).toContain("would remind");
    expect(await ticketStatus(t, customer.token, quiet.id)).toBe("RESOLVED");
    // Only the audited start of the run itself: no unit recorded, no ticket event, no mail.
    expect(await em().count(DomainEventRecord, {})).toBe(before.events + 1);
    expect(await em().count(DomainEventRecord, { type: "ticket.reminded" })).toBe(0);
    expect(await em().count(JobUnitRecord, {})).toBe(before.units);
    expect((await mailTo(t, customer.email)).length).toBe(before.mails);
  });

  it("reminds the requester of a resolved ticket nobody answered, then closes it as the system, and leaves an answered one", async () => {
    const reminded = await runJob(t, admin, "tickets.auto-close");
    expect(reminded).toMatchObject({ status: "SUCCEEDED", total: 1, processed: 1, errors: 0 });
    const mails = await mailTo(t, customer.email, "TICKET_REMINDER");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain("Will close soon");
    expect(await ticketStatus(t, customer.token, quiet.id)).toBe("RESOLVED");

    // Day 7 after the resolution, but only a day after the reminder: the customer keeps the two days they were promised.
    clock.advance(DAY);
    expect(await runJob(t, admin, "tickets.auto-close")).toMatchObject({ total: 1, processed: 0, skipped: 1 });
    expect(await ticketStatus(t, customer.token, quiet.id)).toBe("RESOLVED");

    clock.advance(DAY + HOUR);
    expect(await runJob(t, admin, "tickets.auto-close")).toMatchObject({ status: "SUCCEEDED", total: 2, processed: 1, skipped: 1, errors: 0 });
    expect(await ticketStatus(t, customer.token, quiet.id)).toBe("CLOSED");
    expect(await ticketStatus(t, customer.token, answered.id)).toBe("RESOLVED");
    expect(await mailTo(t, customer.email, "TICKET_REMINDER")).toHaveLength(1);

    const trail = await t.gql(
      `query($id: ID!) { auditEvents(first: 10, filter: { targetId: $id, actions: [TICKET_TRANSITIONED] }) { nodes { actor { id } details } } }`,
      { id: quiet.id },
      admin,
    );
    const closing = ok<{ nodes: { actor: { id: string } | null; details: { to: string; reason?: string } }[] }>(trail, "auditEvents").nodes.find((n) => n.details.to === "CLOSED");
    expect(closing).toMatchObject({ actor: null, details: { to: "CLOSED", reason: "no reply after resolution" } });

    // Run again: everything is done already.
    expect(await runJob(t, admin, "tickets.auto-close")).toMatchObject({ total: 0, processed: 0, errors: 0 });
  });

  it("reminds a customer the desk waits on once per wait, and audits who started the run", async () => {
    // The clock stands 7 days and 2 hours on: the ticket has waited long enough.
    const first = await runJob(t, admin, "tickets.waiting-reminder");
    expect(first).toMatchObject({ status: "SUCCEEDED", total: 1, processed: 1 });
    expect(await runJob(t, admin, "tickets.waiting-reminder")).toMatchObject({ total: 1, processed: 0, skipped: 1 });
    const mails = await mailTo(t, customer.email, "TICKET_REMINDER");
    expect(mails.filter((m) => m.subject.includes("Waiting for your answer"))).toHaveLength(1);
    // The customer answers and the desk asks again: a new wait, a new reminder.
    ok(await t.gql(ADD_COMMENT, { i: { subjectId: waiting.id, body: "Here is the log." } }, customer.token), "addComment");
    await transition(t, agent.token, waiting.id, "WAITING_ON_CUSTOMER");
    clock.advance(3 * DAY + HOUR);
    expect(await runJob(t, admin, "tickets.waiting-reminder")).toMatchObject({ total: 1, processed: 1 });

    const starts = await t.gql(`{ auditEvents(first: 50, filter: { actions: [JOB_STARTED] }) { nodes { actor { id } details } } }`, {}, admin);
    const nodes = ok<{ nodes: { actor: { id: string } | null; details: { jobName: string; dryRun: boolean } }[] }>(starts, "auditEvents").nodes;
    expect(nodes.some((n) => n.details.jobName === "tickets.auto-close" && n.details.dryRun)).toBe(true);
    expect(nodes.every((n) => n.actor !== null)).toBe(true);
  });

  it("purges expired Idempotency-Key records and old events", async () => {
    const key = `purge-${Date.now()}`;
    const res = await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject: "Keyed", description: "A keyed request." } }, customer.token, { "idempotency-key": `"${key}"` });
    expect(res.errors).toBeUndefined();
    clock.advance(25 * HOUR);
    const run = await runJob(t, admin, "idempotency.purge");
    expect(run.report).toMatch(/deleted [1-9]\d* key/);
    const events = await runJob(t, admin, "events.purge", true);
    expect(events).toMatchObject({ status: "SUCCEEDED", processed: 1 });
    expect(events.report).toContain("would delete 0 event(s)");
    await openTicket(t, customer.token); // the server still works after the purges
  });
});
