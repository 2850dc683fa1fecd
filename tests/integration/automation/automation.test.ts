import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../replicas/support.js";
import { mailTo } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { ok, openTicket } from "../tickets/ticket-helpers.js";

/** Automation rules over HTTPS: created by an admin, run by the worker on committed events, once each. */
let t: TestServer;
type User = Awaited<ReturnType<TestServer["createUser"]>>;
let admin: User;
let agent: User;
let customer: User;

const CREATE = `mutation($i: AutomationRuleInput!) { createAutomationRule(input: $i) { id name trigger enabled version owner { id } conditions { field operator values } actions { kind value } } }`;
const TEST = `query($i: AutomationRuleInput!, $n: Int!) { testAutomationRule(input: $i, lastTickets: $n) { reference matched actions } }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { priority category assignee { id } comments(first: 10) { nodes { body internal author { id } } } history { action details } } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateTicketInput!) { updateTicket(id: $id, input: $i) { id } }`;

beforeAll(async () => {
  t = await startTestServer();
  [admin, agent, customer] = await Promise.all([t.createUser("ADMIN", "Ada Admin"), t.createUser("AGENT", "Vic VPN"), t.createUser("CUSTOMER")]);
});
afterAll(() => t?.close());

const view = async (id: string) => ok(await t.gql(TICKET, { id }, admin.token), "ticket");
const applied = (history: any[]) => history.filter((h: any) => h.action === "AUTOMATION_APPLIED");

describe("automation rules", () => {
  it("routes a new VPN ticket: assigns, raises the priority, notes, replies and notifies, audited with the rule", async () => {
    const rule = ok(
      await t.gql(
        CREATE,
        {
          i: {
            name: "VPN to Vic",
            trigger: "TICKET_CREATED",
            conditions: [{ field: "TEXT", operator: "CONTAINS", values: ["vpn"] }],
            actions: [
              { kind: "ASSIGN", value: agent.id },
              { kind: "SET_PRIORITY", value: "HIGH" },
              { kind: "ADD_NOTE", value: "Routed by the VPN rule." },
              { kind: "REPLY", value: "Thanks, our network team has your VPN ticket." },
              { kind: "NOTIFY", value: "network-lead@deskql.test" },
            ],
          },
        },
        admin.token,
      ),
      "createAutomationRule",
    );
    expect(rule).toMatchObject({ name: "VPN to Vic", enabled: true, owner: { id: admin.id } });

    const vpn = await openTicket(t, customer.token, { subject: "VPN down since lunch", priority: "NORMAL" });
    const printer = await openTicket(t, customer.token, { subject: "Printer jam", priority: "NORMAL" });
    await eventually("the rule ran on the VPN ticket", async () => applied((await view(vpn.id)).history).length === 1, 20_000);
    const routed = await view(vpn.id);
    expect(routed).toMatchObject({ priority: "HIGH", assignee: { id: agent.id } });
    expect(routed.comments.nodes.map((c: any) => [c.body, c.internal, c.author.id])).toEqual([
      ["Routed by the VPN rule.", true, admin.id],
      ["Thanks, our network team has your VPN ticket.", false, admin.id],
    ]);
    const audit = applied(routed.history)[0];
    expect(audit.details).toMatchObject({ ruleId: rule.id, ruleName: "VPN to Vic", cause: "ticket.created" });
    expect(audit.details.outcomes).toEqual(["assign to " + agent.id, "set the priority to HIGH", "add an internal note", "send a reply", "notify network-lead@deskql.test"]);
    expect(await mailTo(t, "network-lead@deskql.test", "AUTOMATION_NOTICE")).toHaveLength(1);
    // The customer sees the reply, not the note nor the automation's record.
    const theirs = ok(await t.gql(TICKET, { id: vpn.id }, customer.token), "ticket");
    expect(theirs.comments.nodes.map((c: any) => c.body)).toEqual(["Thanks, our network team has your VPN ticket."]);
    expect(applied(theirs.history)).toHaveLength(0);

    expect(applied((await view(printer.id)).history)).toHaveLength(0);
    ok(await t.gql(`mutation($id: ID!) { deleteAutomationRule(id: $id) }`, { id: rule.id }, admin.token), "deleteAutomationRule");
  });

  it("never lets rules start each other: two rules on updates run once each per person's change", async () => {
    for (const [name, priority, position] of [["Calm it", "LOW", 1], ["Escalate it", "URGENT", 2]] as const) {
      ok(await t.gql(CREATE, { i: { name, trigger: "TICKET_UPDATED", conditions: [], actions: [{ kind: "SET_PRIORITY", value: priority }], position } }, admin.token), "createAutomationRule");
    }
    const ticket = await openTicket(t, customer.token, { subject: "Monitor flickers" });
    ok(await t.gql(UPDATE, { id: ticket.id, i: { category: "Hardware" } }, agent.token), "updateTicket");
    await eventually("both rules ran", async () => applied((await view(ticket.id)).history).length === 2, 20_000);
    await t.server.services.automationWorker.idle();
    await new Promise((r) => setTimeout(r, 1500)); // a loop would keep adding records meanwhile
    const after = await view(ticket.id);
    expect(applied(after.history).map((h: any) => h.details.ruleName)).toEqual(["Calm it", "Escalate it"]);
    expect(after.priority).toBe("URGENT");
  });

  it("tries a rule on the newest tickets without changing anything", async () => {
    const before = await view((await openTicket(t, customer.token, { subject: "VPN again" })).id);
    const rows = ok(
      await t.gql(TEST, { i: { name: "Try", trigger: "TICKET_CREATED", conditions: [{ field: "TEXT", operator: "CONTAINS", values: ["VPN"] }], actions: [{ kind: "SET_PRIORITY", value: "URGENT" }] }, n: 3 }, admin.token),
      "testAutomationRule",
    );
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ matched: true, actions: ["set the priority to URGENT"] });
    expect(rows.filter((r: any) => !r.matched).every((r: any) => r.actions.length === 0)).toBe(true);
    expect(before.priority).not.toBe("URGENT");
  });

  it("refuses non-admins and bad rules with typed errors", async () => {
    const rule = { name: "x", trigger: "TICKET_CREATED", conditions: [], actions: [{ kind: "SET_PRIORITY", value: "HIGH" }] };
    expect((await t.gql(CREATE, { i: rule }, agent.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const bad = async (i: Record<string, unknown>) => (await t.gql(CREATE, { i: { ...rule, ...i } }, admin.token)).errors?.[0]?.extensions;
    expect(await bad({ actions: [{ kind: "SET_PRIORITY", value: "SOON" }] })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.actions.0.value" });
    expect(await bad({ actions: [{ kind: "ASSIGN", value: customer.id }] })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.actions.0.value" });
    expect(await bad({ conditions: [{ field: "STATUS", operator: "IS", values: ["DONE"] }] })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.conditions.0.values" });
    expect(await bad({ name: "two\nlines" })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
    expect(await bad({ actions: [] })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.actions" });
  });
});
