import { afterAll, beforeAll, expect, it } from "vitest";
import { CommentSubjectType } from "../../../src/modules/comments/comment.enums.js";
import { addComment } from "../../../src/modules/comments/comment.writes.js";
import { Priority } from "../../../src/core/priority.js";
import { Role } from "../../../src/modules/users/user.role.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { compiledSelectStats } from "../../../src/db/compiled-select.js";
import { scopeAs } from "./ticket-helpers.js";

/**
 * Every relation of a ticket list goes through per-request DataLoaders (or is joined into the
 * ticket read: requester and assignee), so a page costs the same number of SQL statements
 * whatever its size. The server reports each response's count in
 * `x-sql-statements` (EXPOSE_SQL_STATEMENT_COUNT, on under NODE_ENV=test).
 */
let t: TestServer;
let agentToken: string;
let customerToken: string;
let customerId: string;
let otherCustomerToken: string;
let otherCustomerId: string;

beforeAll(async () => {
  t = await startTestServer();
  const customers = await Promise.all([t.createUser("CUSTOMER"), t.createUser("CUSTOMER"), t.createUser("CUSTOMER")]);
  const agents = await Promise.all([t.createUser("AGENT"), t.createUser("AGENT")]);
  const commenter = await t.createUser("ADMIN"); // writes comments only, so authors need a batch of their own
  agentToken = agents[0]!.token;
  customerToken = customers[0]!.token;
  customerId = customers[0]!.id;
  otherCustomerToken = customers[1]!.token;
  otherCustomerId = customers[1]!.id;
  // Seeded through the services (the API paths have their own tests): 52 tickets, each assigned,
  // with five comments by customers and staff, one of them internal.
  // (addComment without the ticket's facts: the comments neither mail nor move the tickets.)
  const { events, tickets } = t.server.services;
  await events.transaction(scopeAs(t, { id: agents[0]!.id, role: Role.AGENT }), async (tx) => {
    for (let i = 0; i < 52; i++) {
      const requester = customers[i % 3]!;
      const ticket = await tickets.create({ ...tx, viewer: { userId: requester.id, role: Role.CUSTOMER, sessionId: "seed" } }, { subject: `Ticket ${i}`, description: "Body", priority: Priority.NORMAL });
      await tickets.assign(tx, ticket.id, agents[i % 2]!.id);
      for (let c = 0; c < 5; c++) {
        const [author, role] = c === 4 ? [commenter, Role.ADMIN] : c % 2 ? [agents[i % 2]!, Role.AGENT] : [customers[(i + c) % 3]!, Role.CUSTOMER];
        await addComment(events, tx, { authorId: author.id, authorRole: role, subjectType: CommentSubjectType.TICKET, subjectId: ticket.id, body: `Comment ${c}`, internal: c === 3 });
      }
    }
  });
}, 120_000);
afterAll(() => t?.close());

async function statementsOnce(query: string, first: number, token: string): Promise<{ count: number; size: number }> {
  const res = await t.http<{ data: any; errors?: unknown }>("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables: { first } }),
  });
  expect(res.body.errors).toBeUndefined();
  const page = res.body.data.tickets;
  return { count: Number(res.headers["x-sql-statements"]), size: (page.nodes ?? page.edges).length };
}

it("serves a page of tickets with its totalCount, requester, assignee and the latest comments with authors in 2 statements (page with count, comments), for 10 or 50 tickets", async () => {
  const small = await statementsFor(QUEUE, 10, agentToken);
  const large = await statementsFor(QUEUE, 50, agentToken);
  expect(small.size).toBe(10);
  expect(large.size).toBe(50);
  expect(large.count).toBe(small.count);
  expect(large.count).toBe(2);
});

it("counts totalCount in the page's own statement exactly as a count alone: on every page, through fragments, for an empty page and for a customer", async () => {
  const ask = async (query: string, variables: Record<string, unknown>, token = agentToken) => {
    await untilViewerCached(token);
    const res = await t.http<{ data: any; errors?: unknown }>("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    expect(res.body.errors).toBeUndefined();
    return { page: res.body.data.tickets, statements: Number(res.headers["x-sql-statements"]) };
  };
  const PAGE = `query($first: Int!, $after: String, $filter: TicketFilter) { tickets(first: $first, after: $after, filter: $filter) { totalCount pageInfo { endCursor } nodes { id } } }`;
  const first = await ask(PAGE, { first: 20 });
  expect(first.page.totalCount).toBe(52);
  expect(first.statements).toBe(1);
  // The last page: the count ignores the cursor's keyset, as the count alone does.
  const rest = await ask(PAGE, { first: 40, after: first.page.pageInfo.endCursor });
  expect(rest.page.nodes).toHaveLength(32);
  expect(rest.page.totalCount).toBe(52);
  // Past the end there is no row to carry the count: it is counted apart.
  const past = await ask(PAGE, { first: 10, after: rest.page.pageInfo.endCursor });
  expect(past.page.nodes).toHaveLength(0);
  expect(past.page.totalCount).toBe(52);
  expect(past.statements).toBe(2);
  // A filter nothing matches: an empty first page counts nothing, in one statement.
  const none = await ask(PAGE, { first: 10, filter: { status: [ "CLOSED" ] } });
  expect(none.page).toMatchObject({ totalCount: 0, nodes: [] });
  expect(none.statements).toBe(1);
  // Through fragments, and with no nodes selected at all.
  const fragment = await ask(`query { tickets(first: 1) { ...Counted } } fragment Counted on TicketConnection { ... on TicketConnection { totalCount } }`, {});
  expect(fragment.page.totalCount).toBe(52);
  expect(fragment.statements).toBe(1);
  // A customer's count is of their own tickets (every third of the 52).
  const own = await ask(PAGE, { first: 5 }, customerToken);
  expect(own.page.nodes).toHaveLength(5);
  expect(own.page.totalCount).toBe(18);
});

it("reuses a compiled list statement for the next filter of the same shape, with that filter's own values", async () => {
  const MINE = `query { tickets(first: 50) { totalCount nodes { id requester { id } } } }`;
  const pageOf = async (token: string) => {
    const res = await t.http<{ data: any; errors?: unknown }>("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: MINE }),
    });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.tickets;
  };
  const first = await pageOf(customerToken);
  const reusedBefore = compiledSelectStats.reused;
  // Another customer: the same statement, compiled once, with the other requester's id.
  const second = await pageOf(otherCustomerToken);
  expect(compiledSelectStats.reused).toBeGreaterThan(reusedBefore);
  expect(first.totalCount).toBe(18);
  expect(second.totalCount).toBe(17);
  expect(new Set(first.nodes.map((n: any) => n.requester.id))).toEqual(new Set([customerId]));
  expect(new Set(second.nodes.map((n: any) => n.requester.id))).toEqual(new Set([otherCustomerId]));
  expect(first.nodes.some((n: any) => second.nodes.some((m: any) => m.id === n.id))).toBe(false);
});

it("keeps a constant count with every relation and hint a ticket has", async () => {
  const small = await statementsFor(EVERYTHING, 10, agentToken);
  const large = await statementsFor(EVERYTHING, 50, agentToken);
  expect(large.size).toBe(50);
  expect(large.count).toBe(small.count);
  expect(large.count).toBeLessThanOrEqual(7);
});

it("serves one ticket with its people, latest comments with authors and history with actors in 3 statements", async () => {
  const { tickets } = (await t.http<{ data: any }>("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${agentToken}` },
    body: JSON.stringify({ query: "{ tickets(first: 1) { nodes { id } } }" }),
  })).body.data;
  await untilViewerCached(agentToken);
  const res = await t.http<{ data: any; errors?: unknown }>("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${agentToken}` },
    body: JSON.stringify({ query: ONE_TICKET, variables: { id: tickets.nodes[0].id } }),
  });
  expect(res.body.errors).toBeUndefined();
  const ticket = res.body.data.ticket;
  expect(ticket.requester.displayName).toMatch(/^customer /);
  expect(ticket.assignee.displayName).toMatch(/^agent /);
  expect(ticket.comments.nodes).toHaveLength(5);
  expect(ticket.comments.nodes.every((c: any) => c.author.displayName)).toBe(true);
  expect(ticket.history.map((h: any) => h.action)).toEqual(["TICKET_CREATED", "TICKET_ASSIGNED"]);
  expect(ticket.history.every((h: any) => h.actor.displayName)).toBe(true);
  expect(Number(res.headers["x-sql-statements"])).toBe(3);
});

it("keeps a constant count for customers, whose comments are filtered", async () => {
  const small = await statementsFor(QUEUE, 5, customerToken);
  const large = await statementsFor(QUEUE, 15, customerToken);
  expect(large.size).toBe(15);
  expect(large.count).toBe(small.count);
});

/**
 * What a page costs, without authentication's session lookup: that is read whenever the viewer
 * cache has no entry, and for 5 s after a change to the user (setting the agents' roles, here)
 * on every request. So first wait until a request with the token costs no statement at all.
 */
async function statementsFor(query: string, first: number, token: string): Promise<{ count: number; size: number }> {
  await untilViewerCached(token);
  const runs = [await statementsOnce(query, first, token), await statementsOnce(query, first, token)];
  return { count: Math.min(...runs.map((r) => r.count)), size: runs[0]!.size };
}

async function untilViewerCached(token: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const res = await t.http<{ data: any }>("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ rateLimit { remaining } }" }),
    });
    expect(res.body.data.rateLimit.remaining).toBeGreaterThan(0);
    if (Number(res.headers["x-sql-statements"]) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the viewer's session never came from the cache");
}

const QUEUE = `query($first: Int!) { tickets(first: $first) { totalCount nodes { id reference subject status priority
  requester { id displayName } assignee { id displayName }
  latestComments(last: 3) { id body createdAt author { id displayName } } } } }`;

const ONE_TICKET = `query($id: ID!) { ticket(id: $id) { id subject requester { id displayName email } assignee { id displayName }
  comments(last: 20) { nodes { id body author { id displayName role } } } history { action at actor { id displayName } } } }`;

const EVERYTHING = `query($first: Int!) { tickets(first: $first) { totalCount pageInfo { endCursor } edges { cursor node { id reference status
  slaBreached timeOpen timeToFirstResponse viewerCanEdit viewerCanComment allowedTransitions commentCount
  requester { id displayName email } assignee { id displayName }
  latestComments(last: 3) { id internal viewerCanEdit author { id displayName } }
  comments(first: 2) { totalCount nodes { id author { id } } }
  history { action actor { id } } } } } }`;
