import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Comment } from "../../../src/modules/comments/comment.entity.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { uploadId, png } from "../attachments/attachment-helpers.js";
import { auditTrail, createDesk, createIssue, createProject, storedEvents, type Desk } from "../issues/desk-fixtures.js";
import { code, comment, CREATE_TICKET, ok, openTicket, ticketIn, type Ticket } from "../tickets/ticket-helpers.js";

let t: TestServer;
let desk: Desk;

beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
}, 120_000);
afterAll(() => t?.close());

const merge = (token: string, source: Ticket, target: Ticket, extra: Record<string, unknown> = {}) =>
  t.gql(MERGE, { i: { sourceId: source.id, targetId: target.id, sourceVersion: source.version, targetVersion: target.version, ...extra } }, token);

const fresh = async (id: string): Promise<Ticket> => ok(await t.gql(`query($id: ID!) { ticket(id: $id) { id version status } }`, { id }, desk.agent.token), "ticket");

describe("merging duplicate tickets", () => {
  it("moves comments (authors and times kept, marked), attachments, watchers and issue links, closes the duplicate with a pointer, and tells both requesters", async () => {
    const other = await t.createUser("CUSTOMER", "Dan Duplicate");
    const fileId = await uploadId(t, other.token, png(8, 8), "photo.png");
    const source = ok(await t.gql(CREATE_TICKET, { i: { subject: "Printer jams again", description: "Same as before", attachmentIds: [fileId] } }, other.token), "createTicket") as Ticket;
    const target = await openTicket(t, desk.customer.token, { subject: "Printer on floor 3 jams" });
    const first = await comment(t, other.token, source.id, "It also smokes a little.");
    await comment(t, desk.agent.token, source.id, "Checked the toner.", true);
    await comment(t, desk.customer.token, target.id, "Any news?");
    ok(await t.gql(`mutation($id: ID!) { watchTicket(ticketId: $id) { id } }`, { id: source.id }, desk.otherAgent.token), "watchTicket");
    const project = await createProject(t, desk.admin.token, { key: "PRN" });
    const issue = await createIssue(t, desk.agent.token, { projectId: project.id, title: "Printer firmware" });
    ok(await t.gql(`mutation($t: ID!, $i: ID!) { linkTicketToIssue(ticketId: $t, issueId: $i) { changed } }`, { t: source.id, i: issue.id }, desk.agent.token), "linkTicketToIssue");
    const s = await fresh(source.id);
    const tg = await fresh(target.id);

    expect(code(await merge(desk.agent.token, s, tg))).toBe("BAD_USER_INPUT"); // different customers, not confirmed
    const done = ok(await merge(desk.agent.token, s, tg, { acrossCustomers: true }), "mergeTickets");
    expect(done).toMatchObject({ movedComments: 2, movedAttachments: 1, movedLinks: 1, movedWatchers: 1 });
    expect(done.source).toMatchObject({ status: "CLOSED", mergedInto: { id: target.id } });

    const after = ok(await t.gql(TARGET, { id: target.id }, desk.agent.token), "ticket");
    const moved = after.comments.nodes.filter((c: any) => c.mergedFromNumber === source.number);
    expect(moved.map((c: any) => c.body)).toEqual(["It also smokes a little.", "Checked the toner."]);
    expect(moved[0].author.id).toBe(other.id);
    const stored = await t.server.orm.em.fork().findOneOrFail(Comment, { id: first.id });
    expect(stored.subjectId).toBe(target.id);
    expect(after.attachments.map((a: any) => a.fileName)).toEqual(["photo.png"]);
    expect(after.linkedIssues.map((i: any) => i.id)).toEqual([issue.id]);
    expect(after.watchers.map((w: any) => w.id)).toContain(desk.otherAgent.id);
    const sourceNow = ok(await t.gql(TARGET, { id: source.id }, desk.agent.token), "ticket");
    expect(sourceNow.comments.nodes).toEqual([]);
    expect(sourceNow.attachments).toEqual([]);

    expect((await auditTrail(t, target.id)).map((a) => a.action)).toContain("TICKET_MERGED");
    const [event] = await storedEvents(t, { type: "ticket.merged" });
    expect(event).toMatchObject({ target: { id: target.id }, payload: { sourceId: source.id, sourceNumber: source.number, movedComments: 2 } });
    const transitions = (await auditTrail(t, source.id)).filter((a) => a.action === "TICKET_TRANSITIONED");
    expect(transitions.at(-1)!.details).toMatchObject({ to: "CLOSED", reason: `merged into #${target.number}` });

    const mail = ok(await t.gql(`{ outbox(first: 50) { nodes { to subject } } }`, {}, desk.admin.token), "outbox") as any;
    const merged = mail.nodes.filter((m: any) => m.subject.startsWith(`[#${target.number}] Merged`)).map((m: any) => m.to).sort();
    expect(merged).toEqual([other.email, (await t.gql(`{ me { email } }`, {}, desk.customer.token)).data!.me.email].sort());

    // The duplicate's requester reaches the ticket that lives on only if it is theirs too.
    const seen = await t.gql(`query($id: ID!) { ticket(id: $id) { mergedInto { id } } }`, { id: source.id }, other.token);
    expect(ok(seen, "ticket").mergedInto).toBeNull();
  });

  it("refuses a ticket into itself, closed tickets, stale versions and customers, changing nothing", async () => {
    const a = await openTicket(t, desk.customer.token, { subject: "A" });
    const b = await openTicket(t, desk.customer.token, { subject: "B" });
    const closed = await ticketIn(t, desk.agent.token, desk.customer.token, "CLOSED");
    const self = await merge(desk.agent.token, a, a);
    expect(code(self)).toBe("BAD_USER_INPUT");
    expect(self.errors![0]!.extensions!.reason).toBe("SAME_TICKET");
    const intoClosed = await merge(desk.agent.token, a, closed);
    expect(code(intoClosed)).toBe("FORBIDDEN");
    expect(intoClosed.errors![0]!.extensions!.reason).toBe("TARGET_CLOSED");
    expect((await merge(desk.agent.token, closed, a)).errors![0]!.extensions!.reason).toBe("SOURCE_CLOSED");
    expect(code(await merge(desk.agent.token, { ...a, version: a.version + 1 }, b))).toBe("CONFLICT");
    expect(code(await merge(desk.customer.token, a, b))).toBe("FORBIDDEN");
    expect(code(await merge(desk.agent.token, { ...a, id: "00000000-0000-7000-8000-000000000000" }, b))).toBe("NOT_FOUND");
    expect((await fresh(a.id)).status).toBe("OPEN");
    // Same requester: no confirmation needed; admins merge too.
    const done = ok(await merge(desk.admin.token, await fresh(a.id), await fresh(b.id)), "mergeTickets");
    expect(done.source.status).toBe("CLOSED");
    expect(code(await merge(desk.agent.token, await fresh(b.id), await fresh(a.id)))).toBe("FORBIDDEN"); // a is closed now
  });
});

const MERGE = `mutation($i: MergeTicketsInput!) { mergeTickets(input: $i) { movedComments movedAttachments movedLinks movedWatchers source { id status mergedInto { id } } target { id } } }`;
const TARGET = `query($id: ID!) { ticket(id: $id) { id comments(first: 20) { nodes { id body mergedFromNumber author { id } } } attachments { id fileName } linkedIssues { id } watchers { id } } }`;
