import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailTo } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { auditTrail, createIssue, createProject, storedEvents } from "../issues/desk-fixtures.js";
import { ASSIGN_TICKET, code, comment, DELETE_COMMENT, EDIT_COMMENT, ok, openTicket, ticketIn } from "../tickets/ticket-helpers.js";

type User = Awaited<ReturnType<TestServer["createUser"]>>;
let t: TestServer;
let customer: User;
let agent: User;

beforeAll(async () => {
  t = await startTestServer();
  [customer, agent] = await Promise.all([t.createUser("CUSTOMER", "Cleo Customer"), t.createUser("AGENT", "Andy Agent")]);
}, 60_000);
afterAll(() => t?.close());

const COMMENT_EVENTS = ["comment.added", "comment.edited", "comment.deleted"];

/** The events about one comment, oldest first. */
const eventsOf = (comment: { id: string }) => storedEvents(t, { type: COMMENT_EVENTS, targetId: comment.id });

/** What every event about a ticket comment carries besides its type, actor and payload. */
const onTicket = (comment: { id: string }, ticket: { id: string }, visibility: "PUBLIC" | "STAFF") => ({
  position: expect.any(Number),
  target: { type: "Comment", id: comment.id },
  refs: { ticketId: ticket.id, issueId: null, projectId: null, userId: null },
  visibility,
});

describe("comment.added", () => {
  it("is recorded once for a public reply: PUBLIC, by its author, with the ticket as the reply found it and without the body", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "VPN drops" });
    ok(await t.gql(ASSIGN_TICKET, { id: ticket.id, a: agent.id }, agent.token), "assignTicket");
    const reply = await comment(t, agent.token, ticket.id, "A secret-free reply");
    expect(await eventsOf(reply)).toEqual([
      {
        ...onTicket(reply, ticket, "PUBLIC"),
        type: "comment.added",
        actorId: agent.id,
        payload: {
          subjectType: "TICKET",
          subjectId: ticket.id,
          internal: false,
          authorRole: "AGENT",
          ticket: { number: ticket.number, subject: "VPN drops", status: "OPEN", requesterId: customer.id, assigneeId: agent.id, hasFirstResponse: false },
        },
      },
    ]);
    expect(JSON.stringify(await eventsOf(reply))).not.toContain("A secret-free reply");
    // The audit trail records it with the details it always had (and the added keys).
    const [audited] = await auditTrail(t, reply.id);
    expect(audited).toMatchObject({ action: "COMMENT_ADDED", actorId: agent.id, targetType: "Comment", details: { subjectType: "TICKET", subjectId: ticket.id, internal: false } });
    // Its mail subscriber emailed the requester.
    expect((await mailTo(t, customer.email, "TICKET_REPLY")).filter((m) => m.text?.includes("A secret-free reply"))).toHaveLength(1);
  });

  it("is STAFF for an internal note, which emails nobody", async () => {
    const ticket = await openTicket(t, customer.token);
    const note = await comment(t, agent.token, ticket.id, "Internal: the customer is on the old cluster", true);
    const [event] = await eventsOf(note);
    expect(event).toMatchObject({ ...onTicket(note, ticket, "STAFF"), type: "comment.added", actorId: agent.id, payload: { internal: true, authorRole: "AGENT" } });
    expect((await mailTo(t, customer.email)).filter((m) => m.text?.includes("old cluster"))).toEqual([]);
  });

  it("is STAFF with refs.issueId and its projectId for an issue comment (issues are staff-only)", async () => {
    const project = await createProject(t, await t.adminToken(), { key: "CEV" });
    const issue = await createIssue(t, agent.token, { projectId: project.id });
    const remark = await comment(t, agent.token, issue.id, "Root cause found.");
    expect(await eventsOf(remark)).toEqual([
      {
        position: expect.any(Number),
        target: { type: "Comment", id: remark.id },
        refs: { ticketId: null, issueId: issue.id, projectId: project.id, userId: null },
        visibility: "STAFF",
        type: "comment.added",
        actorId: agent.id,
        payload: { subjectType: "ISSUE", subjectId: issue.id, internal: false, authorRole: "AGENT" },
      },
    ]);
  });

  it("is not recorded when the comment is refused", async () => {
    const closed = await ticketIn(t, agent.token, customer.token, "CLOSED");
    const before = (await storedEvents(t, { type: "comment.added" })).length;
    const refusals = [
      await t.gql(ADD, { i: { subjectId: closed.id, body: "Too late" } }, customer.token),
      await t.gql(ADD, { i: { subjectId: closed.id, body: "   " } }, agent.token),
      await t.gql(ADD, { i: { subjectId: closed.id, body: "Sneaky", internal: true } }, customer.token),
    ];
    expect(refusals.map(code)).toEqual(["FORBIDDEN", "BAD_USER_INPUT", "FORBIDDEN"]);
    expect(await storedEvents(t, { type: "comment.added" })).toHaveLength(before);
  });
});

describe("comment.edited and comment.deleted", () => {
  it("are recorded once each, by who did it, with the lengths and not the text", async () => {
    const ticket = await openTicket(t, customer.token);
    const mine = await comment(t, customer.token, ticket.id, "Four");
    ok(await t.gql(EDIT_COMMENT, { id: mine.id, body: "Eleven char" }, customer.token), "editComment");
    ok(await t.gql(EDIT_COMMENT, { id: mine.id, body: "Eleven char" }, customer.token), "editComment"); // unchanged: no event
    ok(await t.gql(DELETE_COMMENT, { id: mine.id }, agent.token), "deleteComment");
    const [, edited, deleted, ...rest] = await eventsOf(mine);
    expect(edited).toEqual({
      ...onTicket(mine, ticket, "PUBLIC"),
      type: "comment.edited",
      actorId: customer.id,
      payload: { subjectType: "TICKET", subjectId: ticket.id, from: "4 characters", to: "11 characters", internal: false },
    });
    expect(deleted).toEqual({ ...onTicket(mine, ticket, "PUBLIC"), type: "comment.deleted", actorId: agent.id, payload: { subjectType: "TICKET", subjectId: ticket.id, internal: false } });
    expect(rest).toEqual([]);
  });

  it("are STAFF for an internal note", async () => {
    const ticket = await openTicket(t, customer.token);
    const note = await comment(t, agent.token, ticket.id, "Note", true);
    ok(await t.gql(EDIT_COMMENT, { id: note.id, body: "Note, edited" }, agent.token), "editComment");
    ok(await t.gql(DELETE_COMMENT, { id: note.id }, agent.token), "deleteComment");
    expect((await eventsOf(note)).map((e) => [e.type, e.visibility])).toEqual([
      ["comment.added", "STAFF"],
      ["comment.edited", "STAFF"],
      ["comment.deleted", "STAFF"],
    ]);
  });

  it("are not recorded when the write rolls back on a stale expectedVersion (CONFLICT)", async () => {
    const ticket = await openTicket(t, customer.token);
    const mine = await comment(t, customer.token, ticket.id, "First");
    ok(await t.gql(EDIT_COMMENT, { id: mine.id, body: "Second" }, customer.token), "editComment");
    expect(code(await t.gql(EDIT_COMMENT, { id: mine.id, body: "Stale", v: mine.version }, customer.token))).toBe("CONFLICT");
    expect(code(await t.gql(DELETE_STALE, { id: mine.id, v: mine.version }, customer.token))).toBe("CONFLICT");
    expect((await eventsOf(mine)).map((e) => e.type)).toEqual(["comment.added", "comment.edited"]);
  });
});

const ADD = `mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`;
const DELETE_STALE = `mutation($id: ID!, $v: Int) { deleteComment(id: $id, expectedVersion: $v) }`;
