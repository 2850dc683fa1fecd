import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY } from "../../support/mailbox.js";
import { startTestServer, type GraphQLResult, type TestServer } from "../../support/server.js";
import { createDesk, createIssue, createProject, ok, type Desk } from "../issues/desk-fixtures.js";

interface FeedEvent {
  id: string;
  type: string;
  position: number;
  visibility: string;
  target: { type: string; id: string };
  payload: Record<string, any>;
  actor: { id: string } | null;
}
interface Page {
  nodes: FeedEvent[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount?: number;
}

let t: TestServer;
let desk: Desk;
let otherCustomer: { id: string; token: string };
let ticketA: string;
let ticketB: string;
let publicComment: string;
let internalNote: string;
let issue: { id: string; projectId: string };

beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  otherCustomer = await t.createUser("CUSTOMER", "Dan Customer");
  ticketA = ok<{ id: string }>(await t.gql(CREATE_TICKET, { i: { subject: "VPN drops", description: "Every hour." } }, desk.customer.token), "createTicket").id;
  ticketB = ok<{ id: string }>(await t.gql(CREATE_TICKET, { i: { subject: "Dan's laptop", description: "Broken hinge." } }, otherCustomer.token), "createTicket").id;
  publicComment = ok<{ id: string }>(await t.gql(ADD_COMMENT, { i: { subjectId: ticketA, body: "We are on it." } }, desk.agent.token), "addComment").id;
  internalNote = ok<{ id: string }>(await t.gql(ADD_COMMENT, { i: { subjectId: ticketA, body: "Carol's router is ancient.", internal: true } }, desk.agent.token), "addComment").id;
  await t.gql(EDIT_COMMENT, { id: internalNote, body: "Carol's router is very old." }, desk.agent.token);
  const project = await createProject(t, desk.admin.token, { key: "NET", leadId: desk.agent.id });
  issue = { id: (await createIssue(t, desk.agent.token, { projectId: project.id })).id, projectId: project.id };
});
afterAll(() => t?.close());

/** Every event a caller sees, paging forward `size` at a time. */
async function readAll(token: string, filter?: Record<string, unknown>, size = 7): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Page = feed(await t.gql(FEED, { first: size, after, filter }, token));
    events.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return events;
    after = page.pageInfo.endCursor;
  }
}
const feed = (res: GraphQLResult): Page => ok<Page>(res, "events");
const idsOf = (events: FeedEvent[]) => events.map((e) => e.target.id);

describe("who sees which events", () => {
  it("shows a customer only the public events of their own tickets", async () => {
    const events = await readAll(desk.customer.token);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.visibility === "PUBLIC")).toBe(true);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["ticket.created", "comment.added"]));
    expect(idsOf(events)).toContain(publicComment);
    expect(idsOf(events)).not.toContain(internalNote);
    expect(idsOf(events)).not.toContain(ticketB);
    expect(events.every((e) => e.target.id === ticketA || e.payload.subjectId === ticketA)).toBe(true);
    expect(events.find((e) => e.target.id === publicComment)!.actor).toEqual({ id: desk.agent.id });

    const dan = await readAll(otherCustomer.token);
    expect(idsOf(dan)).toEqual([ticketB]);
  });

  it("shows agents internal notes, every ticket, projects and issues, but no admin events", async () => {
    const events = await readAll(desk.agent.token);
    expect(idsOf(events)).toEqual(expect.arrayContaining([ticketA, ticketB, publicComment, internalNote, issue.id, issue.projectId]));
    expect(events.filter((e) => e.target.id === internalNote).map((e) => e.type)).toEqual(["comment.added", "comment.edited"]);
    expect(events.some((e) => e.visibility === "ADMIN")).toBe(false);
  });

  it("shows admins the admin events too (role changes, sign-ins)", async () => {
    const events = await readAll(desk.admin.token, undefined, 50);
    expect(events.filter((e) => e.type === "user.role_changed").map((e) => e.target.id)).toEqual(expect.arrayContaining([desk.agent.id, desk.otherAgent.id]));
    expect(idsOf(events)).toEqual(expect.arrayContaining([internalNote, issue.id]));
  });

  it("narrows API tokens to the areas their scopes name", async () => {
    const agentTickets = await apiToken(desk.agent.token, ["TICKETS_READ"]);
    const ticketEvents = await readAll(agentTickets);
    expect(idsOf(ticketEvents)).toEqual(expect.arrayContaining([ticketA, internalNote]));
    expect(ticketEvents.some((e) => e.type.startsWith("issue.") || e.type.startsWith("project."))).toBe(false);

    const agentIssues = await apiToken(desk.agent.token, ["ISSUES_READ"]);
    expect(new Set((await readAll(agentIssues)).map((e) => e.target.type))).toEqual(new Set(["Project", "Issue"]));

    const adminTickets = await apiToken(desk.admin.token, ["TICKETS_READ"]);
    expect((await readAll(adminTickets)).some((e) => e.visibility === "ADMIN")).toBe(false);
    const adminScope = await apiToken(desk.admin.token, ["ADMIN"]);
    const adminEvents = await readAll(adminScope, undefined, 50);
    expect(adminEvents.length).toBeGreaterThan(0);
    expect(adminEvents.every((e) => e.visibility === "ADMIN")).toBe(true);

    const customerTickets = await apiToken(desk.customer.token, ["TICKETS_READ"]);
    expect(idsOf(await readAll(customerTickets))).not.toContain(internalNote);
  });

  it("answers anonymous callers UNAUTHENTICATED", async () => {
    expect((await t.gql(FEED, { first: 1 })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("filters", () => {
  it("narrows by ticket, issue, project and type", async () => {
    const onA = await readAll(desk.agent.token, { ticketId: ticketA });
    expect(new Set(idsOf(onA))).toEqual(new Set([ticketA, publicComment, internalNote]));
    const customerOnB = await readAll(desk.customer.token, { ticketId: ticketB });
    expect(customerOnB).toEqual([]);
    expect(idsOf(await readAll(desk.agent.token, { issueId: issue.id }))).toEqual([issue.id]);
    expect(new Set(idsOf(await readAll(desk.agent.token, { projectId: issue.projectId })))).toEqual(new Set([issue.projectId, issue.id]));
    const created = await readAll(desk.agent.token, { types: ["ticket.created", "issue.created"] });
    expect(created.map((e) => e.type).sort()).toEqual(["issue.created", "ticket.created", "ticket.created"]);
    expect(feed(await t.gql(FEED, { first: 50, filter: { ticketId: ticketA } }, desk.agent.token)).totalCount).toBe(4);
  });

  it("refuses malformed types and cursors with BAD_USER_INPUT", async () => {
    const types = await t.gql(FEED, { first: 1, filter: { types: ["DROP TABLE"] } }, desk.agent.token);
    expect(types.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.types" });
    const cursor = await t.gql(FEED, { first: 1, after: "bm90IGEgY3Vyc29y" }, desk.agent.token);
    expect(cursor.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });
});

describe("paging", () => {
  it("loses and repeats nothing, forward and backward, while other requests write", async () => {
    const start = feed(await t.gql(FEED, { last: 1 }, desk.admin.token)).pageInfo.endCursor;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 24; i++) {
        const who = i % 2 ? desk.customer.token : otherCustomer.token;
        await t.gql(CREATE_TICKET, { i: { subject: `Concurrent ${i}`, description: "Written while paging." } }, who);
      }
      writing = false;
    })();

    // Tail the stream as an integrator would: keep the last cursor, ask again until the writer is done and nothing is left.
    const forward: FeedEvent[] = [];
    let after = start;
    for (;;) {
      const done = !writing;
      const page = feed(await t.gql(FEED, { first: 3, after }, desk.admin.token));
      forward.push(...page.nodes);
      after = page.pageInfo.endCursor ?? after;
      if (done && !page.pageInfo.hasNextPage) break;
    }
    await writer;
    const positions = forward.map((e) => e.position);
    expect(forward.filter((e) => e.type === "ticket.created")).toHaveLength(24);
    // An admin sees every event, so the positions run without a gap or a repeat.
    expect(positions).toEqual(positions.map((_, i) => positions[0]! + i));

    const backward: FeedEvent[] = [];
    let before: string | null = null;
    for (;;) {
      const page: Page = feed(await t.gql(FEED, { last: 4, before }, desk.admin.token));
      backward.unshift(...page.nodes);
      if (backward[0]!.position <= positions[0]!) break;
      expect(page.pageInfo.hasPreviousPage).toBe(true);
      before = page.pageInfo.startCursor;
    }
    expect(backward.filter((e) => e.position >= positions[0]!).map((e) => e.id)).toEqual(forward.map((e) => e.id));
  });

  it("pages a customer's view both ways to the same list", async () => {
    const forward = await readAll(desk.customer.token, undefined, 2);
    const backward: FeedEvent[] = [];
    let before: string | null = null;
    for (;;) {
      const page: Page = feed(await t.gql(FEED, { last: 2, before }, desk.customer.token));
      backward.unshift(...page.nodes);
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(backward.map((e) => e.id)).toEqual(forward.map((e) => e.id));
  });
});

describe("retention", () => {
  it("answers CURSOR_EXPIRED for a cursor whose next events were pruned, and resumes from a later one", async () => {
    const first = feed(await t.gql(FEED, { first: 1 }, desk.admin.token)).pageInfo.endCursor;
    const last = feed(await t.gql(FEED, { last: 1 }, desk.admin.token)).pageInfo.endCursor;
    // Pruning as of 91 days from now: every event so far is past the 90 days kept.
    expect(await t.server.services.eventRetention.prune(new Date(Date.now() + 91 * DAY))).toBeGreaterThan(0);

    const expired = await t.gql(FEED, { first: 5, after: first }, desk.admin.token);
    expect(expired.errors?.[0]?.extensions).toMatchObject({ code: "CURSOR_EXPIRED", field: "after", retentionDays: 90 });
    expect(feed(await t.gql(FEED, { first: 5 }, desk.admin.token)).nodes).toEqual([]);

    // The newest cursor missed nothing: it resumes with what happens next.
    await t.gql(CREATE_TICKET, { i: { subject: "After the prune", description: "Still heard." } }, desk.customer.token);
    const next = feed(await t.gql(FEED, { first: 5, after: last }, desk.admin.token)).nodes;
    expect(next.map((e) => e.type)).toEqual(["ticket.created"]);
  });
});

async function apiToken(sessionToken: string, scopes: string[]): Promise<string> {
  const res = await t.gql(
    `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
    { i: { name: `feed ${Math.random().toString(36).slice(2, 8)}`, scopes, expiresAt: new Date(Date.now() + 30 * DAY).toISOString() } },
    sessionToken,
  );
  return ok<{ token: string }>(res, "createApiToken").token;
}

const FEED = `query($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter) {
  events(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id type position visibility occurredAt target { type id } payload actor { id } } } }`;
const CREATE_TICKET = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`;
const ADD_COMMENT = `mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`;
const EDIT_COMMENT = `mutation($id: ID!, $body: String!) { editComment(id: $id, body: $body) { id } }`;
