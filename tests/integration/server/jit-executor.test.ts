import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, createIssue, createProject, ok, type Desk } from "../issues/desk-fixtures.js";
import { startTestServer, type GraphQLResult, type TestServer } from "../../support/server.js";

/**
 * The server executes with graphql-jit (src/graphql/jit-executor.ts). A second server on the
 * same database executes with graphql-js (GRAPHQL_JIT=false); every answer, data and errors
 * alike, must be the same bytes from both.
 */
let jit: TestServer;
let reference: TestServer;
let desk: Desk;
const tokens: Record<"jit" | "reference", Record<string, string>> = { jit: {}, reference: {} };
let ticketId: string;
let otherTicketId: string;

beforeAll(async () => {
  jit = await startTestServer();
  reference = await startTestServer({ env: { ...jit.databaseEnv, GRAPHQL_JIT: "false" } });
  desk = await createDesk(jit);
  const people = { agent: desk.agent, customer: desk.customer } as Record<string, { id: string; token: string }>;
  const users = await jit.gql(`{ users(first: 10) { nodes { id email } } }`, {}, desk.admin.token);
  const emailOf = (id: string) => users.data!.users.nodes.find((u: { id: string }) => u.id === id).email as string;
  for (const [name, person] of Object.entries(people)) {
    tokens.jit[name] = person.token;
    tokens.reference[name] = (await reference.login(emailOf(person.id), "a perfectly fine passphrase 7")).accessToken;
  }
  tokens.jit.admin = desk.admin.token;
  tokens.reference.admin = await reference.adminToken();

  const create = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`;
  ticketId = ok<{ id: string }>(await jit.gql(create, { i: { subject: "VPN drops every hour", description: "Since **Monday**.", priority: "HIGH" } }, desk.customer.token), "createTicket").id;
  otherTicketId = ok<{ id: string }>(await jit.gql(create, { i: { subject: "Someone else's", description: "Private." } }, desk.otherAgent.token), "createTicket").id;
  const comment = `mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`;
  ok(await jit.gql(comment, { i: { subjectId: ticketId, body: "Looking into it." } }, desk.agent.token), "addComment");
  ok(await jit.gql(comment, { i: { subjectId: ticketId, body: "Probably the DHCP lease.", internal: true } }, desk.agent.token), "addComment");
  ok(await jit.gql(`mutation($id: ID!, $a: ID) { assignTicket(id: $id, assigneeId: $a) { id } }`, { id: ticketId, a: desk.agent.id }, desk.agent.token), "assignTicket");
  const project = await createProject(jit, desk.admin.token, { key: "NET", leadId: desk.agent.id });
  const issue = await createIssue(jit, desk.agent.token, { projectId: project.id, title: "Lease time too short" });
  ok(await jit.gql(`mutation($t: ID!, $i: ID!) { linkTicketToIssue(ticketId: $t, issueId: $i) { ticket { id } } }`, { t: ticketId, i: issue.id }, desk.agent.token), "linkTicketToIssue");
});
afterAll(async () => {
  await reference?.close();
  await jit?.close();
});

/** The jit server compiles a document the second time it sees it: both its answers must match graphql-js's. */
async function both(who: "agent" | "customer" | "admin" | null, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult> {
  const send = (server: TestServer, token: string | undefined) => server.http("/graphql", { method: "POST", headers: headers(token), body: JSON.stringify({ query, variables }) });
  const viaGraphqlJs = await send(reference, tokens.reference[who ?? ""]);
  const firstSighting = await send(jit, tokens.jit[who ?? ""]);
  const compiled = await send(jit, tokens.jit[who ?? ""]);
  for (const viaJit of [firstSighting, compiled]) {
    expect(viaJit.status).toBe(viaGraphqlJs.status);
    expect(viaJit.text).toBe(viaGraphqlJs.text);
  }
  return compiled.body as GraphQLResult;
}
const headers = (token?: string) => ({ "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) });

// timeOpen counts seconds up to now, so it is left out: two servers may read the clock a second apart.
const QUEUE = `query($first: Int!) { tickets(first: $first, filter: { status: [OPEN, IN_PROGRESS] }, orderBy: { field: PRIORITY, direction: DESC }) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id reference subject status priority createdAt updatedAt firstResponseDueAt resolutionDueAt slaBreached timeToFirstResponse
    requester { id displayName email } assignee { id displayName } latestComments(last: 3) { id body internal createdAt author { id displayName } } } } }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { id reference subject description status priority category version createdAt updatedAt
  firstResponseAt viewerCanEdit viewerCanComment allowedTransitions requester { id displayName email } assignee { id displayName }
  comments(last: 20) { totalCount pageInfo { hasPreviousPage startCursor } nodes { id body internal createdAt editedAt author { id displayName role } } }
  history { id action from to at actor { id displayName } } linkedIssues { key title status project { key name lead { displayName } } } } }`;

describe("graphql-jit execution answers exactly as graphql-js", () => {
  it("the agent queue, for agents and customers", async () => {
    const agent = await both("agent", QUEUE, { first: 50 });
    expect(agent.data!.tickets.nodes.length).toBe(2);
    const customer = await both("customer", QUEUE, { first: 10 });
    expect(customer.data!.tickets.nodes.map((n: { id: string }) => n.id)).toEqual([ticketId]);
  });

  it("a ticket with comments, history and linked issues, with internal notes only for staff", async () => {
    const agent = await both("agent", TICKET, { id: ticketId });
    expect(agent.data!.ticket.comments.totalCount).toBe(2);
    expect(agent.data!.ticket.linkedIssues[0].project.key).toBe("NET");
    const customer = await both("customer", TICKET.replace(/linkedIssues \{.*\} \} \} \}/, "} }"), { id: ticketId });
    expect(customer.data!.ticket.comments.nodes.map((c: { internal: boolean }) => c.internal)).toEqual([false]);
    // linkedIssues is staff-only and non-null, and so is ticket: the error nulls the whole answer.
    const denied = await both("customer", TICKET, { id: ticketId });
    expect(denied.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    expect(denied.data).toBeNull();
  });

  it("fragments, aliases, directives, variables with defaults and __typename", async () => {
    const res = await both(
      "agent",
      `query Q($id: ID!, $withPeople: Boolean = true, $skipBody: Boolean!) {
        first: ticket(id: $id) { ...Basics __typename requester @include(if: $withPeople) { ...Person } }
        second: ticket(id: $id) { ... on Ticket { subject description @skip(if: $skipBody) } }
        me { ...Person role }
      }
      fragment Basics on Ticket { id status priority }
      fragment Person on User { id displayName __typename }`,
      { id: ticketId, skipBody: true },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.first.__typename).toBe("Ticket");
    expect(res.data!.second.description).toBeUndefined();
  });

  it("introspection", async () => {
    await both("admin", `{ __type(name: "Ticket") { name fields { name type { kind name ofType { name } } } } __schema { queryType { name } } }`);
  });

  it("errors: not found, forbidden fields with null propagation, bad variables, invalid documents", async () => {
    expect((await both("customer", `query($id: ID!) { ticket(id: $id) { id } }`, { id: otherTicketId })).errors![0]!.extensions!.code).toBe("NOT_FOUND");
    expect((await both("customer", `{ users(first: 1) { nodes { id } } }`)).errors![0]!.extensions!.code).toBe("FORBIDDEN");
    expect((await both(null, `{ tickets(first: 1) { nodes { id } } }`)).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect((await both("agent", QUEUE, { first: "fifty" })).errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
    expect((await both("agent", `query($f: TicketFilter) { tickets(first: 1, filter: $f) { totalCount } }`, { f: { status: ["NOPE"] } })).errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
    expect((await both("agent", `{ tickets(first: 1000) { totalCount } }`)).errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
    expect((await both("agent", `{ tickets(first: 1) { nope } }`)).errors![0]!.extensions!.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("mutations: the same result and the same rejection", async () => {
    const transition = `mutation($id: ID!, $to: TicketStatus!) { transitionTicket(id: $id, to: $to) { status allowedTransitions } }`;
    const viaJit = await jit.gql(transition, { id: ticketId, to: "IN_PROGRESS" }, tokens.jit.agent);
    const viaGraphqlJs = await reference.gql(transition, { id: ticketId, to: "WAITING_ON_CUSTOMER" }, tokens.reference.agent);
    expect(viaJit.errors, JSON.stringify(viaJit.errors)).toBeUndefined();
    expect(viaGraphqlJs.errors, JSON.stringify(viaGraphqlJs.errors)).toBeUndefined();
    expect(viaJit.data!.transitionTicket.status).toBe("IN_PROGRESS");
    expect(viaGraphqlJs.data!.transitionTicket.status).toBe("WAITING_ON_CUSTOMER");
    const rejected = await both("agent", transition, { id: ticketId, to: "OPEN" });
    expect(rejected.errors![0]!.extensions!.code).toBe("INVALID_TRANSITION");
  });
});
