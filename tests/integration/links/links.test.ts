import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { auditTrail, createDesk, createIssue, createProject, fewestStatements, ok, type Desk, type IssueRef } from "../issues/desk-fixtures.js";

let t: TestServer;
let desk: Desk;
let issue: IssueRef;
let otherIssue: IssueRef;

async function openTicket(subject = "VPN drops every hour"): Promise<{ id: string; number: number }> {
  return ok(await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number } }`, { i: { subject, description: "Since Monday." } }, desk.customer.token), "createTicket");
}

const link = (ticketId: string, issueId: string, token = desk.agent.token) => t.gql(LINK, { t: ticketId, i: issueId }, token);
const unlink = (ticketId: string, issueId: string, token = desk.agent.token) => t.gql(UNLINK, { t: ticketId, i: issueId }, token);

beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  const project = await createProject(t, desk.admin.token, { key: "NET" });
  issue = await createIssue(t, desk.agent.token, { projectId: project.id, title: "VPN concentrator drops sessions" });
  otherIssue = await createIssue(t, desk.agent.token, { projectId: project.id, title: "Upgrade VPN firmware" });
});
afterAll(() => t?.close());

describe("linking tickets and issues", () => {
  it("links a ticket to issues and shows the link from both sides", async () => {
    const ticket = await openTicket();
    const res = await link(ticket.id, issue.id);
    expect(res.errors).toBeUndefined();
    expect(res.data!.linkTicketToIssue).toEqual({ linked: true, changed: true, ticket: { id: ticket.id }, issue: { key: issue.key } });
    ok(await link(ticket.id, otherIssue.id, desk.admin.token), "linkTicketToIssue");
    const fromTicket = ok(await t.gql(TICKET_LINKS, { id: ticket.id }, desk.agent.token), "ticket");
    expect(fromTicket.linkedIssues.map((i: { key: string }) => i.key)).toEqual([issue.key, otherIssue.key]);
    const fromIssue = ok(await t.gql(ISSUE_LINKS, { id: issue.id }, desk.agent.token), "issue");
    expect(fromIssue.linkedTickets).toEqual([{ id: ticket.id, number: ticket.number }]);
  });

  it("treats linking a linked pair as done already: no second link, no second event", async () => {
    const ticket = await openTicket();
    ok(await link(ticket.id, issue.id), "linkTicketToIssue");
    const again = ok(await link(ticket.id, issue.id, desk.otherAgent.token), "linkTicketToIssue");
    expect(again).toMatchObject({ linked: true, changed: false });
    expect(ok(await t.gql(TICKET_LINKS, { id: ticket.id }, desk.agent.token), "ticket").linkedIssues).toHaveLength(1);
    expect((await auditTrail(t, ticket.id)).filter((e) => e.action === "TICKET_LINKED")).toHaveLength(1);
  });

  it("keeps one link when several agents link the same pair at once", async () => {
    const ticket = await openTicket();
    const results = await Promise.all([desk.agent, desk.otherAgent, desk.admin, desk.agent].map((who) => link(ticket.id, issue.id, who.token)));
    const payloads = results.map((r) => ok<{ linked: boolean; changed: boolean }>(r, "linkTicketToIssue"));
    expect(payloads.filter((p) => p.changed)).toHaveLength(1);
    expect(payloads.every((p) => p.linked)).toBe(true);
    expect(ok(await t.gql(TICKET_LINKS, { id: ticket.id }, desk.agent.token), "ticket").linkedIssues).toHaveLength(1);
    expect((await auditTrail(t, ticket.id)).filter((e) => e.action === "TICKET_LINKED")).toHaveLength(1);
  });

  it("unlinks, idempotently", async () => {
    const ticket = await openTicket();
    ok(await link(ticket.id, issue.id), "linkTicketToIssue");
    expect(ok(await unlink(ticket.id, issue.id), "unlinkTicketFromIssue")).toMatchObject({ linked: false, changed: true });
    expect(ok(await unlink(ticket.id, issue.id), "unlinkTicketFromIssue")).toMatchObject({ linked: false, changed: false });
    expect(ok(await t.gql(TICKET_LINKS, { id: ticket.id }, desk.agent.token), "ticket").linkedIssues).toEqual([]);
    expect(ok(await t.gql(ISSUE_LINKS, { id: issue.id }, desk.agent.token), "issue").linkedTickets.map((x: { id: string }) => x.id)).not.toContain(ticket.id);
  });

  it("records TICKET_LINKED and TICKET_UNLINKED on the ticket, so its history shows them to staff", async () => {
    const ticket = await openTicket();
    ok(await link(ticket.id, issue.id), "linkTicketToIssue");
    ok(await unlink(ticket.id, issue.id, desk.otherAgent.token), "unlinkTicketFromIssue");
    const events = (await auditTrail(t, ticket.id)).filter((e) => e.action.startsWith("TICKET_") && e.action.endsWith("LINKED"));
    const facts = { issueId: issue.id, issueKey: issue.key, issueTitle: "VPN concentrator drops sessions", ticketNumber: ticket.number };
    expect(events).toEqual([
      { action: "TICKET_LINKED", actorId: desk.agent.id, targetType: "Ticket", targetId: ticket.id, details: facts },
      { action: "TICKET_UNLINKED", actorId: desk.otherAgent.id, targetType: "Ticket", targetId: ticket.id, details: facts },
    ]);
    const staffHistory = ok(await t.gql(HISTORY, { id: ticket.id }, desk.agent.token), "ticket").history;
    expect(staffHistory.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(["TICKET_LINKED", "TICKET_UNLINKED"]));
    expect(staffHistory.find((h: { action: string }) => h.action === "TICKET_LINKED").details).toMatchObject({ issueKey: issue.key });
  });

  it("answers NOT_FOUND for an unknown ticket or issue", async () => {
    const ticket = await openTicket();
    const ghost = "0190aaaa-0000-7000-8000-000000000000";
    expect((await link(ghost, issue.id)).errors?.[0]).toMatchObject({ message: expect.stringMatching(/Ticket/), extensions: { code: "NOT_FOUND" } });
    expect((await link(ticket.id, ghost)).errors?.[0]).toMatchObject({ message: expect.stringMatching(/Issue/), extensions: { code: "NOT_FOUND" } });
    expect((await unlink(ticket.id, ghost)).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});

describe("what customers see", () => {
  it("may not link or unlink", async () => {
    const ticket = await openTicket();
    for (const res of [await link(ticket.id, issue.id, desk.customer.token), await unlink(ticket.id, issue.id, desk.customer.token)]) {
      expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(res.data).toBeNull();
    }
    expect((await t.gql(LINK, { t: ticket.id, i: issue.id })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("never sees the issues linked to their own ticket, nor the links in its history", async () => {
    const ticket = await openTicket();
    ok(await link(ticket.id, issue.id), "linkTicketToIssue");
    const res = await t.gql(TICKET_LINKS, { id: ticket.id }, desk.customer.token);
    expect(res.errors?.[0]).toMatchObject({ path: ["ticket", "linkedIssues"], extensions: { code: "FORBIDDEN" } });
    expect(JSON.stringify(res.data)).not.toContain(issue.key);
    // Without the field, their ticket reads fine, and its history has no trace of the link.
    const own = ok(await t.gql(HISTORY, { id: ticket.id }, desk.customer.token), "ticket");
    expect(own.history.map((h: { action: string }) => h.action)).not.toContain("TICKET_LINKED");
    expect(JSON.stringify(own)).not.toContain(issue.key);
  });
});

describe("the cost of linked records", () => {
  it("loads linked issues for a page of tickets, and linked tickets for a page of issues, in flat statement counts", async () => {
    for (let n = 0; n < 12; n++) {
      const ticket = await openTicket(`Batch ticket ${n}`);
      await link(ticket.id, n % 2 ? issue.id : otherIssue.id);
    }
    const ticketsCost = (first: number) => fewestStatements(t, TICKET_PAGE, { first }, desk.agent.token);
    const issuesCost = (first: number) => fewestStatements(t, ISSUE_PAGE, { first }, desk.agent.token);
    expect(await ticketsCost(2)).toBe(await ticketsCost(12));
    expect(await issuesCost(1)).toBe(await issuesCost(2));
  });
});

const LINK = `mutation($t: ID!, $i: ID!) { linkTicketToIssue(ticketId: $t, issueId: $i) { linked changed ticket { id } issue { key } } }`;
const UNLINK = `mutation($t: ID!, $i: ID!) { unlinkTicketFromIssue(ticketId: $t, issueId: $i) { linked changed ticket { id } issue { key } } }`;
const TICKET_LINKS = `query($id: ID!) { ticket(id: $id) { id subject linkedIssues { key title } } }`;
const ISSUE_LINKS = `query($id: ID) { issue(id: $id) { key linkedTickets { id number } } }`;
const HISTORY = `query($id: ID!) { ticket(id: $id) { id subject history { action details } } }`;
const TICKET_PAGE = `query($first: Int) { tickets(first: $first) { nodes { id linkedIssues { key project { key } assignee { id } } } } }`;
const ISSUE_PAGE = `query($first: Int) { issues(first: $first) { nodes { key linkedTickets { id subject } } } }`;
