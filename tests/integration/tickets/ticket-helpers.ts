import { expect } from "vitest";
import type { Role } from "../../../src/core/identity.js";
import { createScope, type RequestScope } from "../../../src/core/scope.js";
import type { GraphQLResult, TestServer } from "../../support/server.js";

/** Shared by the ticket and comment suites: the documents they send and small steps they repeat. */

export const TICKET_FIELDS = `id reference number subject description status priority category version createdAt updatedAt
  firstResponseAt resolvedAt closedAt timeToFirstResponse timeOpen slaBreached
  viewerCanEdit viewerCanComment allowedTransitions requester { id displayName } assignee { id displayName }`;

export const CREATE_TICKET = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { ${TICKET_FIELDS} } }`;
export const GET_TICKET = `query($id: ID!) { ticket(id: $id) { ${TICKET_FIELDS} } }`;
export const UPDATE_TICKET = `mutation($id: ID!, $i: UpdateTicketInput!, $v: Int) { updateTicket(id: $id, input: $i, expectedVersion: $v) { ${TICKET_FIELDS} } }`;
export const ASSIGN_TICKET = `mutation($id: ID!, $a: ID, $v: Int) { assignTicket(id: $id, assigneeId: $a, expectedVersion: $v) { ${TICKET_FIELDS} } }`;
export const TRANSITION = `mutation($id: ID!, $to: TicketStatus!, $v: Int) { transitionTicket(id: $id, to: $to, expectedVersion: $v) { ${TICKET_FIELDS} } }`;
export const ADD_COMMENT = `mutation($i: AddCommentInput!) { addComment(input: $i) { id body internal subjectType subjectId editedAt version viewerCanEdit author { id } } }`;
export const EDIT_COMMENT = `mutation($id: ID!, $body: String!, $v: Int) { editComment(id: $id, body: $body, expectedVersion: $v) { id body editedAt version } }`;
export const DELETE_COMMENT = `mutation($id: ID!) { deleteComment(id: $id) }`;
export const TICKET_COMMENTS = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  ticket(id: $id) { commentCount
    comments(first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id body internal viewerCanEdit author { id } } }
    latestComments { id body internal } } }`;
export const TICKET_LIST = `query($first: Int, $after: String, $last: Int, $before: String, $filter: TicketFilter, $orderBy: TicketOrder) {
  tickets(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id reference subject status priority createdAt updatedAt } } }`;

export type Ticket = Record<string, any> & { id: string; version: number; status: string };

/** Expects no errors and returns `data[field]`. */
export function ok<T = any>(res: GraphQLResult, field: string): T {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data![field] as T;
}

/** The `extensions.code` of the first error (and that there is no data for the field). */
export function code(res: GraphQLResult): string | undefined {
  return res.errors?.[0]?.extensions?.code;
}

export async function openTicket(t: TestServer, token: string, input: Record<string, unknown> = {}): Promise<Ticket> {
  const res = await t.gql(CREATE_TICKET, { i: { subject: "Printer on floor 3 jams", description: "It **jams** on every page.", ...input } }, token);
  return ok(res, "createTicket");
}

export async function transition(t: TestServer, token: string, id: string, to: string): Promise<Ticket> {
  return ok(await t.gql(TRANSITION, { id, to }, token), "transitionTicket");
}

/** Walks a new ticket along allowed moves to `status` (as staff). */
export async function ticketIn(t: TestServer, staffToken: string, customerToken: string, status: string): Promise<Ticket> {
  const path: Record<string, string[]> = {
    OPEN: [],
    IN_PROGRESS: ["IN_PROGRESS"],
    WAITING_ON_CUSTOMER: ["IN_PROGRESS", "WAITING_ON_CUSTOMER"],
    RESOLVED: ["IN_PROGRESS", "RESOLVED"],
    CLOSED: ["CLOSED"],
  };
  let ticket = await openTicket(t, customerToken, { subject: `A ticket that will be ${status}` });
  for (const step of path[status]!) ticket = await transition(t, staffToken, ticket.id, step);
  expect(ticket.status).toBe(status);
  return ticket;
}

export async function comment(t: TestServer, token: string, subjectId: string, body: string, internal = false) {
  return ok(await t.gql(ADD_COMMENT, { i: { subjectId, body, internal } }, token), "addComment");
}

/** A request scope acting as `user`, for seeding through the services (outside HTTP). */
export function scopeAs(t: TestServer, user: { id: string; role: Role }, em = t.server.orm.em.fork()): RequestScope {
  return createScope({
    em,
    viewer: { userId: user.id, role: user.role, sessionId: "seed" },
    request: { requestId: "seed", ip: "127.0.0.1", userAgent: null },
    clock: t.server.services.clock,
  });
}
