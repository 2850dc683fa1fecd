import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createDesk, createIssue, createProject, ok, storedEvents, type Desk, type IssueRef } from "../issues/desk-fixtures.js";

let t: TestServer;
let desk: Desk;
let project: { id: string; key: string };
let issue: IssueRef;

beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  project = await createProject(t, desk.admin.token, { key: "LNK" });
  issue = await createIssue(t, desk.agent.token, { projectId: project.id, title: "VPN concentrator drops sessions" });
}, 60_000);
afterAll(() => t?.close());

const openTicket = async (): Promise<{ id: string; number: number }> =>
  ok(await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number } }`, { i: { subject: "VPN drops", description: "Hourly." } }, desk.customer.token), "createTicket");

describe("ticket.linked and ticket.unlinked", () => {
  it("are recorded once per change, STAFF, on the ticket with its issue and project", async () => {
    const ticket = await openTicket();
    ok(await t.gql(LINK, { t: ticket.id, i: issue.id }, desk.agent.token), "linkTicketToIssue");
    ok(await t.gql(LINK, { t: ticket.id, i: issue.id }, desk.otherAgent.token), "linkTicketToIssue"); // linked already: no event
    ok(await t.gql(UNLINK, { t: ticket.id, i: issue.id }, desk.otherAgent.token), "unlinkTicketFromIssue");
    ok(await t.gql(UNLINK, { t: ticket.id, i: issue.id }, desk.agent.token), "unlinkTicketFromIssue"); // unlinked already: no event
    const about = {
      position: expect.any(Number),
      target: { type: "Ticket", id: ticket.id },
      refs: { ticketId: ticket.id, issueId: issue.id, projectId: project.id, userId: null },
      visibility: "STAFF",
      payload: { issueId: issue.id, issueKey: issue.key, issueTitle: "VPN concentrator drops sessions", ticketNumber: ticket.number },
    };
    expect(await storedEvents(t, { type: ["ticket.linked", "ticket.unlinked"], targetId: ticket.id })).toEqual([
      { ...about, type: "ticket.linked", actorId: desk.agent.id },
      { ...about, type: "ticket.unlinked", actorId: desk.otherAgent.id },
    ]);
  });

  it("keeps one event when several agents link the same pair at once", async () => {
    const ticket = await openTicket();
    await Promise.all([desk.agent, desk.otherAgent, desk.admin].map((who) => t.gql(LINK, { t: ticket.id, i: issue.id }, who.token)));
    expect(await storedEvents(t, { type: "ticket.linked", targetId: ticket.id })).toHaveLength(1);
  });

  it("are not recorded for a customer's refused attempt", async () => {
    const ticket = await openTicket();
    expect((await t.gql(LINK, { t: ticket.id, i: issue.id }, desk.customer.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await storedEvents(t, { type: ["ticket.linked", "ticket.unlinked"], targetId: ticket.id })).toEqual([]);
  });
});

const LINK = `mutation($t: ID!, $i: ID!) { linkTicketToIssue(ticketId: $t, issueId: $i) { changed } }`;
const UNLINK = `mutation($t: ID!, $i: ID!) { unlinkTicketFromIssue(ticketId: $t, issueId: $i) { changed } }`;
