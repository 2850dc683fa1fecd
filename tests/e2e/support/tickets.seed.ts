import type { TestServer } from "../../support/server.js";

/**
 * Preconditions made through the API, for scenarios whose subject is a later step: the UI
 * flows themselves are exercised by the tests that are about them.
 */
export async function openTicket(t: TestServer, token: string, subject: string, description = "Seeded by the e2e suite."): Promise<{ id: string; reference: string }> {
  return (await must(t, CREATE_TICKET, { input: { subject, description } }, token)).createTicket;
}

export async function addComment(t: TestServer, token: string, ticketId: string, body: string, internal = false): Promise<void> {
  await must(t, ADD_COMMENT, { input: { subjectId: ticketId, body, internal } }, token);
}

export async function moveTicket(t: TestServer, token: string, ticketId: string, ...statuses: string[]): Promise<void> {
  for (const to of statuses) await must(t, TRANSITION, { id: ticketId, to }, token);
}

export async function ticketStatus(t: TestServer, token: string, ticketId: string): Promise<string> {
  return (await must(t, TICKET_STATUS, { id: ticketId }, token)).ticket.status;
}

async function must(t: TestServer, query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  const res = await t.gql(query, variables, token);
  if (res.errors || !res.data) throw new Error(`Seeding failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

const CREATE_TICKET = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { id reference } }`;
const ADD_COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`;
const TRANSITION = `mutation($id: ID!, $to: TicketStatus!) { transitionTicket(id: $id, to: $to) { id status } }`;
const TICKET_STATUS = `query($id: ID!) { ticket(id: $id) { id status } }`;
