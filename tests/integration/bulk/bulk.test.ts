import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Priority } from "../../../src/core/priority.js";
import { Role } from "../../../src/modules/users/user.role.js";
import { Ticket as TicketRow } from "../../../src/modules/tickets/ticket.entity.js";
import { Comment } from "../../../src/modules/comments/comment.entity.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { auditTrail, createDesk, createIssue, createProject, statementsFor, storedEvents, type Desk } from "../issues/desk-fixtures.js";
import { code, ok, scopeAs, ticketIn } from "../tickets/ticket-helpers.js";

let t: TestServer;
let desk: Desk;

beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
}, 120_000);
afterAll(() => t?.close());

/** `n` new OPEN tickets by the desk's customer, seeded through the service in one transaction. */
async function seedTickets(n: number, subject = "Bulk"): Promise<string[]> {
  const { events, tickets } = t.server.services;
  const customer = { userId: desk.customer.id, role: Role.CUSTOMER, sessionId: "seed" };
  return events.transaction(scopeAs(t, { id: desk.customer.id, role: Role.CUSTOMER }), async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await tickets.create({ ...tx, viewer: customer }, { subject: `${subject} ${i}`, description: "Body", priority: Priority.NORMAL })).id);
    return ids;
  });
}

async function preview(token: string, ticketIds: string[], changes: Record<string, unknown>) {
  return t.gql(PREVIEW, { i: { ticketIds, changes } }, token);
}

async function apply(token: string, expectedVersions: { ticketId: string; version: number }[], changes: Record<string, unknown>) {
  return t.gql(APPLY, { i: { expectedVersions, changes } }, token);
}

/** The tickets as stored, straight from the database. */
async function stored(ids: string[]) {
  const rows = await t.server.orm.em.fork().find(TicketRow, { id: { $in: ids } });
  return new Map(rows.map((r) => [r.id, { status: r.status, priority: r.priority, assigneeId: r.assignee?.id ?? null, version: r.version }]));
}

describe("who may change tickets in bulk", () => {
  it("refuses customers and anonymous callers, and lets agents and admins preview and commit", async () => {
    const ids = await seedTickets(2, "Roles");
    expect(code(await preview(desk.customer.token, ids, { priority: "HIGH" }))).toBe("FORBIDDEN");
    expect(code(await apply(desk.customer.token, ids.map((ticketId) => ({ ticketId, version: 1 })), { priority: "HIGH" }))).toBe("FORBIDDEN");
    expect(code(await t.gql(PREVIEW, { i: { ticketIds: ids, changes: { priority: "HIGH" } } }))).toBe("UNAUTHENTICATED");
    for (const [token, priority] of [[desk.agent.token, "HIGH"], [desk.admin.token, "URGENT"]] as const) {
      const p = ok(await preview(token, ids, { priority }), "previewBulkTicketChange");
      expect(p.allowedCount).toBe(2);
      const done = ok(await apply(token, p.expectedVersions, { priority }), "applyBulkTicketChange");
      expect(done.changedCount).toBe(2);
      expect(done.tickets.map((x: any) => x.priority)).toEqual([priority, priority]);
    }
    expect(code(await t.gql(`mutation($i: MergeTicketsInput!) { mergeTickets(input: $i) { movedComments } }`, { i: { sourceId: ids[0], targetId: ids[1], sourceVersion: 1, targetVersion: 1 } }, desk.customer.token))).toBe("FORBIDDEN");
  });
});

describe("the preview", () => {
  it("says per ticket what would change, or why not, and changes nothing", async () => {
    const [open] = await seedTickets(1, "Preview");
    const closed = await ticketIn(t, desk.agent.token, desk.customer.token, "CLOSED");
    const resolved = await ticketIn(t, desk.agent.token, desk.customer.token, "RESOLVED");
    const missing = "00000000-0000-7000-8000-000000000000";
    const res = await preview(desk.agent.token, [open!, closed.id, resolved.id, missing], { status: "IN_PROGRESS", assigneeId: desk.otherAgent.id });
    const p = ok(res, "previewBulkTicketChange");
    expect(p.allowedCount).toBe(1);
    expect(p.refusedCount).toBe(3);
    const [a, b, c, d] = p.outcomes;
    expect(a).toMatchObject({ ticketId: open, allowed: true, refusal: null, version: 1, ticket: { reference: expect.stringMatching(/^#/) } });
    expect(a.changes).toEqual([
      { field: "assignee", from: null, to: desk.otherAgent.id },
      { field: "status", from: "OPEN", to: "IN_PROGRESS" },
    ]);
    expect(b).toMatchObject({ allowed: false, refusal: "FORBIDDEN", reason: expect.stringMatching(/closed/) });
    expect(c).toMatchObject({ allowed: false, refusal: "INVALID_TRANSITION", reason: expect.stringMatching(/RESOLVED to IN_PROGRESS/) });
    expect(d).toMatchObject({ ticketId: missing, allowed: false, refusal: "NOT_FOUND", ticket: null, version: null });
    expect(p.expectedVersions).toEqual([{ ticketId: open, version: 1 }]);
    expect((await stored([open!])).get(open!)).toMatchObject({ status: "OPEN", assigneeId: null, version: 1 });
  });

  it("answers BAD_USER_INPUT for an empty change, repeated or too many tickets, and a customer as assignee", async () => {
    const ids = await seedTickets(1, "Input");
    expect(code(await preview(desk.agent.token, ids, {}))).toBe("BAD_USER_INPUT");
    expect(code(await preview(desk.agent.token, [ids[0]!, ids[0]!], { priority: "LOW" }))).toBe("BAD_USER_INPUT");
    expect(code(await preview(desk.agent.token, Array.from({ length: 501 }, (_, i) => `id-${i}`), { priority: "LOW" }))).toBe("BAD_USER_INPUT");
    const res = await preview(desk.agent.token, ids, { assigneeId: desk.customer.id });
    expect(code(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0]!.extensions!.field).toBe("input.changes.assigneeId");
  });
});

describe("the commit", () => {
  it("applies everything with the events and audit entries of single changes", async () => {
    const ids = await seedTickets(3, "Commit");
    const changes = { status: "IN_PROGRESS", priority: "HIGH", assigneeId: desk.agent.id, comment: { body: "Looking into all of these.", internal: false } };
    const p = ok(await preview(desk.agent.token, ids, changes), "previewBulkTicketChange");
    const done = ok(await apply(desk.agent.token, p.expectedVersions, changes), "applyBulkTicketChange");
    expect(done.changedCount).toBe(3);
    for (const ticket of done.tickets) expect(ticket).toMatchObject({ status: "IN_PROGRESS", priority: "HIGH", assignee: { id: desk.agent.id }, firstResponseAt: expect.any(String) });
    for (const id of ids) {
      const actions = (await auditTrail(t, id)).map((a) => a.action);
      expect(actions).toEqual(["TICKET_CREATED", "TICKET_ASSIGNED", "TICKET_UPDATED", "TICKET_TRANSITIONED"]);
      const types = (await storedEvents(t, { type: ["comment.added", "ticket.assigned", "ticket.updated", "ticket.transitioned"] })).filter((e) => e.refs.ticketId === id).map((e) => e.type);
      expect(types).toEqual(["comment.added", "ticket.assigned", "ticket.updated", "ticket.transitioned"]);
    }
    const comments = await t.server.orm.em.fork().find(Comment, { subjectId: { $in: ids } });
    expect(comments).toHaveLength(3);
    // The public reply went to each requester, as a single reply does.
    const outbox = ok(await t.gql(`{ outbox(first: 50) { nodes { to subject } } }`, {}, desk.admin.token), "outbox") as any;
    expect(outbox.nodes.filter((m: any) => /Re: Commit/.test(m.subject))).toHaveLength(3);
  });

  it("refuses everything when a ticket changed since the preview, naming it, and leaves every ticket as it was", async () => {
    const ids = await seedTickets(4, "Race");
    const changes = { status: "IN_PROGRESS", assigneeId: desk.agent.id, comment: { body: "On it", internal: true } };
    const p = ok(await preview(desk.agent.token, ids, changes), "previewBulkTicketChange");
    // Someone else edits one ticket between the preview and the commit.
    ok(await t.gql(`mutation($id: ID!) { assignTicket(id: $id, assigneeId: "${desk.otherAgent.id}") { id } }`, { id: ids[2] }, desk.otherAgent.token), "assignTicket");
    const before = await stored(ids);
    const res = await apply(desk.agent.token, p.expectedVersions, changes);
    expect(code(res)).toBe("CONFLICT");
    expect(res.errors![0]!.extensions!.staleTicketIds).toEqual([ids[2]]);
    expect(await stored(ids)).toEqual(before);
    for (const id of ids) expect(before.get(id)!.status).toBe("OPEN");
    expect(await t.server.orm.em.fork().count(Comment, { subjectId: { $in: ids } })).toBe(0);
    for (const id of [ids[0]!, ids[1]!, ids[3]!]) expect((await auditTrail(t, id)).map((a) => a.action)).toEqual(["TICKET_CREATED"]);
  });

  it("refuses everything when the change is not allowed on one ticket, with the refusals", async () => {
    const [open] = await seedTickets(1, "Refused");
    const closed = await ticketIn(t, desk.agent.token, desk.customer.token, "CLOSED");
    const res = await apply(desk.agent.token, [{ ticketId: open!, version: 1 }, { ticketId: closed.id, version: closed.version }], { priority: "LOW" });
    expect(code(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0]!.extensions!.refusals).toEqual([{ ticketId: closed.id, refusal: "FORBIDDEN", reason: expect.stringMatching(/closed/) }]);
    expect((await stored([open!])).get(open!)).toMatchObject({ priority: "NORMAL", version: 1 });
  });
});

describe("tags", () => {
  it("adds a new tag to every ticket and removes another, through the tags module, in the same commit", async () => {
    const ids = await seedTickets(3, "Tagged");
    const first = ok(await apply(desk.agent.token, ids.map((ticketId) => ({ ticketId, version: 1 })), { addTags: ["outage", "vpn"] }), "applyBulkTicketChange");
    expect(first.changedCount).toBe(3);
    const p = ok(await preview(desk.agent.token, ids, { removeTags: ["vpn"], priority: "HIGH" }), "previewBulkTicketChange");
    expect(p.outcomes[0].changes).toContainEqual({ field: "tags", from: "-vpn", to: null });
    ok(await apply(desk.agent.token, p.expectedVersions, { removeTags: ["vpn"], priority: "HIGH" }), "applyBulkTicketChange");
    for (const id of ids) {
      const ticket = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { tags { name } } }`, { id }, desk.agent.token), "ticket");
      expect(ticket.tags.map((x: any) => x.name)).toEqual(["outage"]);
    }
  });
});

describe("statements", () => {
  const cost = async (ids: string[], changes: Record<string, unknown>) => {
    await statementsFor(t, `{ me { id } }`, {}, desk.agent.token); // the viewer cache, warm
    const p = await statementsFor(t, PREVIEW, { i: { ticketIds: ids, changes } }, desk.agent.token);
    expect(p.result.errors).toBeUndefined();
    const a = await statementsFor(t, APPLY, { i: { expectedVersions: (p.result.data as any).previewBulkTicketChange.expectedVersions, changes } }, desk.agent.token);
    expect(a.result.errors).toBeUndefined();
    expect((a.result.data as any).applyBulkTicketChange.changedCount).toBe(ids.length);
    return { preview: p.statements, apply: a.statements };
  };

  it("costs the same number of SQL statements to assign and prioritize 10 tickets as 100, preview and commit", async () => {
    const changes = { priority: "HIGH", assigneeId: desk.agent.id };
    const ten = await cost(await seedTickets(10, "Flat"), changes);
    const hundred = await cost(await seedTickets(100, "Flat"), changes);
    // The same statements; one more on either side when the viewer's cache entry expired in between (a loaded machine).
    expect(Math.abs(hundred.preview - ten.preview), `preview: 10 tickets ${ten.preview}, 100 tickets ${hundred.preview}`).toBeLessThanOrEqual(1);
    expect(Math.abs(hundred.apply - ten.apply), `commit: 10 tickets ${ten.apply}, 100 tickets ${hundred.apply}`).toBeLessThanOrEqual(1);
    expect(hundred.apply).toBeLessThanOrEqual(15);
  }, 120_000);

  it("stays flat with status changes and notes too: the watchers are read for the whole batch at once", async () => {
    const changes = { status: "IN_PROGRESS", priority: "HIGH", assigneeId: desk.agent.id, comment: { body: "Batch note", internal: true } };
    const ten = await cost(await seedTickets(10, "Notes"), changes);
    const hundred = await cost(await seedTickets(100, "Notes"), changes);
    // The same statements; one more on either side when the viewer's cache entry expired in between (a loaded machine).
    expect(Math.abs(hundred.preview - ten.preview), `preview: 10 tickets ${ten.preview}, 100 tickets ${hundred.preview}`).toBeLessThanOrEqual(1);
    // Ninety more tickets cost a handful of statements at most, not two per ticket: a batched insert
    // of the audit rows or events passing the ORM's batch size, the viewer's cache entry expiring
    // between preview and commit on a loaded machine.
    expect(hundred.apply - ten.apply, `10 tickets: ${ten.apply} statements, 100 tickets: ${hundred.apply}`).toBeLessThanOrEqual(10);
  }, 120_000);
});

describe("the major-incident update", () => {
  it("previews and posts one public update to every linked ticket and resolves them all, all or nothing", async () => {
    const project = await createProject(t, desk.admin.token, { key: "INC" });
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id, title: "Mail relay down" });
    const linked = [];
    for (let i = 0; i < 3; i++) {
      const ticket = await ticketIn(t, desk.agent.token, desk.customer.token, "IN_PROGRESS");
      ok(await t.gql(`mutation($t: ID!, $i: ID!) { linkTicketToIssue(ticketId: $t, issueId: $i) { changed } }`, { t: ticket.id, i: issue.id }, desk.agent.token), "linkTicketToIssue");
      linked.push(ticket.id);
    }
    const [unlinked] = await seedTickets(1, "Not linked");
    const input = { issueId: issue.id, body: "The mail relay is back; messages are flowing again.", status: "RESOLVED" };
    expect(code(await t.gql(PREVIEW_LINKED, { i: input }, desk.customer.token))).toBe("FORBIDDEN");
    const p = ok(await t.gql(PREVIEW_LINKED, { i: input }, desk.agent.token), "previewLinkedTicketsUpdate");
    expect(p.outcomes.map((o: any) => o.ticketId)).toEqual(linked);
    expect(p.allowedCount).toBe(3);
    const stranger = await t.gql(NOTIFY, { i: { ...input, expectedVersions: [...p.expectedVersions, { ticketId: unlinked, version: 1 }] } }, desk.agent.token);
    expect(code(stranger)).toBe("BAD_USER_INPUT");
    const done = ok(await t.gql(NOTIFY, { i: { ...input, expectedVersions: p.expectedVersions } }, desk.agent.token), "notifyLinkedTickets");
    expect(done.tickets.map((x: any) => x.status)).toEqual(["RESOLVED", "RESOLVED", "RESOLVED"]);
    const comments = await t.server.orm.em.fork().find(Comment, { subjectId: { $in: linked } });
    expect(comments.map((c) => [c.body, c.internal])).toEqual(linked.map(() => [input.body, false]));
    const again = await t.gql(NOTIFY, { i: { ...input, expectedVersions: p.expectedVersions } }, desk.agent.token);
    expect(code(again)).toBe("CONFLICT");
  });
});

const OUTCOME = `ticketId allowed refusal reason version changes { field from to } ticket { id reference status }`;
const PREVIEW = `query($i: PreviewBulkTicketChangeInput!) { previewBulkTicketChange(input: $i) { allowedCount refusedCount expectedVersions { ticketId version } outcomes { ${OUTCOME} } } }`;
const APPLY = `mutation($i: ApplyBulkTicketChangeInput!) { applyBulkTicketChange(input: $i) { changedCount tickets { id status priority version firstResponseAt assignee { id } } } }`;
const PREVIEW_LINKED = `query($i: PreviewLinkedTicketsUpdateInput!) { previewLinkedTicketsUpdate(input: $i) { allowedCount refusedCount expectedVersions { ticketId version } outcomes { ${OUTCOME} } } }`;
const NOTIFY = `mutation($i: NotifyLinkedTicketsInput!) { notifyLinkedTickets(input: $i) { changedCount tickets { id status version } } }`;
