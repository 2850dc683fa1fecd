import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { mailTo } from "../../support/mailbox.js";
import { runJob } from "../jobs/support.js";
import { ASSIGN_TICKET, ok, openTicket } from "./ticket-helpers.js";

/**
 * SLA escalation (SLA_ESCALATIONS) through the real job runner: at risk notifies the assignee;
 * a breach notifies the assignee and a lead and raises the priority, each once per ticket and target.
 */
let t: TestServer;
const T0 = new Date("2031-03-03T09:00:00.000Z");
let now = T0;
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const HISTORY = `query($id: ID!) { ticket(id: $id) { priority slaState history { action actor { id } details } } }`;

beforeAll(async () => {
  t = await startTestServer({
    env: { JOBS_ENABLED: "false", SESSION_IDLE_MINUTES: "600", SLA_ESCALATIONS: "AT_RISK=notify-assignee; BREACHED=notify-assignee,raise-priority,notify:lead@deskql.test" },
  });
  t.server.services.clock = { now: () => now };
});
afterAll(() => t?.close());

it("raises at risk and breached once each, mails whom the policy names, and raises the priority", async () => {
  const [customer, agent, admin] = await Promise.all([t.createUser("CUSTOMER"), t.createUser("AGENT", "Ash Assignee"), t.createUser("ADMIN")]);
  // HIGH: first response due 120 minutes after opening, at risk from 96.
  const ticket = await openTicket(t, customer.token, { subject: "Payroll export fails", priority: "HIGH" });
  ok(await t.gql(ASSIGN_TICKET, { id: ticket.id, a: agent.id }, agent.token), "assignTicket");

  now = at(90);
  expect(await runJob(t, admin.token, "sla.escalations")).toMatchObject({ status: "SUCCEEDED", total: 0, processed: 0 });

  now = at(100);
  const dry = await runJob(t, admin.token, "sla.escalations", true);
  expect(dry).toMatchObject({ total: 1, processed: 1, errors: 0 });
  expect(dry.report).toContain(`would mark #${ticket.number} at risk (first response) and notify the assignee`);
  expect(await mailTo(t, agent.email, "TICKET_SLA_AT_RISK")).toHaveLength(0);

  expect(await runJob(t, admin.token, "sla.escalations")).toMatchObject({ total: 1, processed: 1, skipped: 0, errors: 0 });
  const [atRisk] = await mailTo(t, agent.email, "TICKET_SLA_AT_RISK");
  expect(atRisk?.subject).toBe(`[#${ticket.number}] SLA at risk: Payroll export fails`);
  expect(atRisk?.text).toContain("first response target");
  // Again: nothing new.
  expect(await runJob(t, admin.token, "sla.escalations")).toMatchObject({ total: 1, processed: 0, skipped: 1 });
  expect(await mailTo(t, agent.email, "TICKET_SLA_AT_RISK")).toHaveLength(1);

  now = at(121);
  expect(await runJob(t, admin.token, "sla.escalations")).toMatchObject({ processed: 1, errors: 0 });
  expect(await mailTo(t, agent.email, "TICKET_SLA_BREACHED")).toHaveLength(1);
  expect(await mailTo(t, "lead@deskql.test", "TICKET_SLA_BREACHED")).toHaveLength(1);
  const staffView = ok(await t.gql(HISTORY, { id: ticket.id }, agent.token), "ticket");
  expect(staffView.priority).toBe("URGENT");
  const actions = staffView.history.map((h: any) => h.action);
  expect(actions).toEqual(expect.arrayContaining(["TICKET_SLA_AT_RISK", "TICKET_SLA_BREACHED"]));
  const raised = staffView.history.find((h: any) => h.action === "TICKET_UPDATED");
  expect(raised).toMatchObject({ actor: null, details: { changes: { priority: { from: "HIGH", to: "URGENT" } } } });
  // The customer's timeline shows the priority change but not the desk's escalation.
  const customerView = ok(await t.gql(HISTORY, { id: ticket.id }, customer.token), "ticket");
  expect(customerView.history.map((h: any) => h.action)).not.toContain("TICKET_SLA_BREACHED");

  now = at(130);
  expect(await runJob(t, admin.token, "sla.escalations")).toMatchObject({ processed: 0, errors: 0 });
  expect(await mailTo(t, "lead@deskql.test", "TICKET_SLA_BREACHED")).toHaveLength(1);
});

it("refuses an unreadable escalation policy at start", async () => {
  await expect(startTestServer({ env: { SLA_ESCALATIONS: "LATE=notify-assignee" } })).rejects.toThrow(/SLA_ESCALATIONS/);
  await expect(startTestServer({ env: { SLA_ESCALATIONS: "BREACHED=notify:not-an-address" } })).rejects.toThrow(/SLA_ESCALATIONS/);
});
