import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailTo, waitForMail } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";

let t: TestServer;
let agent: { id: string; email: string; token: string };
beforeAll(async () => {
  t = await startTestServer();
  agent = await t.createUser("AGENT", "Agent Smith");
});
afterAll(() => t?.close());

async function openTicket(customerToken: string, subject = "Printer on fire") {
  const res = await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number } }`, { i: { subject, description: "Smoke everywhere." } }, customerToken);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.createTicket as { id: string; number: number };
}
const comment = (token: string, ticketId: string, body: string, internal = false) =>
  t.gql(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { i: { subjectId: ticketId, body, internal } }, token);
const transition = (token: string, id: string, to: string) => t.gql(`mutation($id: ID!, $to: TicketStatus!) { transitionTicket(id: $id, to: $to) { status } }`, { id, to }, token);
const assign = (id: string, assigneeId: string) => t.gql(`mutation($id: ID!, $a: ID) { assignTicket(id: $id, assigneeId: $a) { id } }`, { id, a: assigneeId }, agent.token);
const settle = () => new Promise((r) => setTimeout(r, 300));

describe("ticket notifications", () => {
  it("email the requester when an agent replies publicly, quoting the reply and linking the ticket", async () => {
    const customer = await t.createUser("CUSTOMER", "Carla Customer");
    const ticket = await openTicket(customer.token, "VPN <drops> & reconnects");
    expect((await comment(agent.token, ticket.id, "Have you tried turning it off and on again?")).errors).toBeUndefined();
    const mail = await waitForMail(t, customer.email, "TICKET_REPLY");
    expect(mail.subject).toBe(`[#${ticket.number}] Re: VPN <drops> & reconnects`);
    expect(mail.text).toContain("Agent Smith replied on your ticket");
    expect(mail.text).toContain("Have you tried turning it off and on again?");
    expect(mail.text).toContain(`/#/tickets/${ticket.id}`);
    expect(mail.html).toContain("VPN &lt;drops&gt; &amp; reconnects");
  });

  it("send nothing for internal notes", async () => {
    const customer = await t.createUser();
    const ticket = await openTicket(customer.token);
    await comment(agent.token, ticket.id, "Customer seems confused.", true);
    await settle();
    expect(await mailTo(t, customer.email, "TICKET_REPLY")).toEqual([]);
  });

  it("email the assignee when the customer replies, and nobody while unassigned", async () => {
    const customer = await t.createUser();
    const ticket = await openTicket(customer.token);
    await comment(customer.token, ticket.id, "Anyone there?");
    await settle();
    expect(await mailTo(t, agent.email, "TICKET_REPLY")).toEqual([]);

    expect((await assign(ticket.id, agent.id)).errors).toBeUndefined();
    await comment(customer.token, ticket.id, "Still broken, please help.");
    const mail = await waitForMail(t, agent.email, "TICKET_REPLY");
    expect(mail.text).toContain("which is assigned to you");
    expect(mail.text).toContain("Still broken, please help.");
    expect(await mailTo(t, customer.email, "TICKET_REPLY")).toEqual([]); // not about their own reply
  });

  it("email the requester when the ticket is resolved", async () => {
    const customer = await t.createUser();
    const ticket = await openTicket(customer.token, "Password expired");
    await transition(agent.token, ticket.id, "IN_PROGRESS");
    expect((await transition(agent.token, ticket.id, "RESOLVED")).errors).toBeUndefined();
    const mail = await waitForMail(t, customer.email, "TICKET_RESOLVED");
    expect(mail.subject).toBe(`[#${ticket.number}] Resolved: Password expired`);
    expect(mail.text).toMatch(/reply on the ticket to reopen it/);
  });

  it("respect each user's preferences", async () => {
    const customer = await t.createUser();
    const prefs = await t.gql(`{ notificationPreferences { ticketReplies ticketResolved assignedTicketReplies } }`, {}, customer.token);
    expect(prefs.data!.notificationPreferences).toEqual({ ticketReplies: true, ticketResolved: true, assignedTicketReplies: true });
    const updated = await t.gql(`mutation { updateNotificationPreferences(input: { ticketReplies: false }) { ticketReplies ticketResolved } }`, {}, customer.token);
    expect(updated.data!.updateNotificationPreferences).toEqual({ ticketReplies: false, ticketResolved: true });

    const ticket = await openTicket(customer.token);
    await comment(agent.token, ticket.id, "Looking into it.");
    await transition(agent.token, ticket.id, "IN_PROGRESS");
    await transition(agent.token, ticket.id, "RESOLVED");
    await waitForMail(t, customer.email, "TICKET_RESOLVED");
    expect(await mailTo(t, customer.email, "TICKET_REPLY")).toEqual([]);

    const otherAgent = await t.createUser("AGENT");
    await t.gql(`mutation { updateNotificationPreferences(input: { assignedTicketReplies: false }) { assignedTicketReplies } }`, {}, otherAgent.token);
    const second = await openTicket(customer.token);
    await assign(second.id, otherAgent.id);
    await comment(customer.token, second.id, "Hello?");
    await settle();
    expect(await mailTo(t, otherAgent.email, "TICKET_REPLY")).toEqual([]);
  });

  it("leave preferences to their owner", async () => {
    expect((await t.gql(`{ notificationPreferences { ticketReplies } }`)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
