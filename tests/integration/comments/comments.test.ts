import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { ADD_COMMENT, code, comment, DELETE_COMMENT, EDIT_COMMENT, ok, openTicket, TICKET_COMMENTS, transition, type Ticket } from "../tickets/ticket-helpers.js";

type User = Awaited<ReturnType<TestServer["createUser"]>>;
let t: TestServer;
let carla: User; // customer
let dave: User; // another customer
let agent: User;
let admin: User;
let ticket: Ticket;

beforeAll(async () => {
  t = await startTestServer();
  [carla, dave, agent, admin] = await Promise.all([t.createUser("CUSTOMER", "Carla"), t.createUser("CUSTOMER", "Dave"), t.createUser("AGENT"), t.createUser("ADMIN")]);
  ticket = await openTicket(t, carla.token, { subject: "Laptop will not boot" });
});
afterAll(() => t?.close());

const commentsOf = async (id: string, token: string, page: Record<string, unknown> = { first: 50 }) => ok(await t.gql(TICKET_COMMENTS, { id, ...page }, token), "ticket");

describe("writing comments", () => {
  it("lets the requester and staff comment publicly, stored as written", async () => {
    const body = "It shows `0x7B` then\n\n- reboots\n- again  ";
    const mine = await comment(t, carla.token, ticket.id, body);
    expect(mine).toMatchObject({ body, internal: false, subjectType: "TICKET", subjectId: ticket.id, author: { id: carla.id }, version: 1, editedAt: null, viewerCanEdit: true });
    const reply = await comment(t, agent.token, ticket.id, "Try safe mode.");
    expect(reply.internal).toBe(false);
  });

  it("keeps internal notes to agents and admins", async () => {
    expect(code(await t.gql(ADD_COMMENT, { i: { subjectId: ticket.id, body: "psst", internal: true } }, carla.token))).toBe("FORBIDDEN");
    const note = await comment(t, agent.token, ticket.id, "Disk SMART errors: replace it", true);
    expect(note.internal).toBe(true);
  });

  it("answers a customer commenting on another customer's ticket or on an issue like a missing subject", async () => {
    const missing = await t.gql(ADD_COMMENT, { i: { subjectId: "01a2aaaa-0000-7000-8000-000000000000", body: "hi" } }, dave.token);
    expect(code(missing)).toBe("NOT_FOUND");
    expect(code(await t.gql(ADD_COMMENT, { i: { subjectId: ticket.id, body: "hi" } }, dave.token))).toBe("NOT_FOUND");
    const project = ok(await t.gql(`mutation { createProject(input: { key: "HW", name: "Hardware" }) { id } }`, {}, admin.token), "createProject");
    const issue = ok(await t.gql(`mutation($p: ID!) { createIssue(input: { projectId: $p, title: "Disk batch faulty" }) { id } }`, { p: project.id }, agent.token), "createIssue");
    expect(code(await t.gql(ADD_COMMENT, { i: { subjectId: issue.id, body: "me too" } }, carla.token))).toBe("NOT_FOUND");
    const staffNote = await comment(t, agent.token, issue.id, "Vendor contacted", true);
    expect(staffNote).toMatchObject({ subjectType: "ISSUE", subjectId: issue.id, internal: true });
    const onIssue = ok(await t.gql(`query($id: ID!) { issue(id: $id) { comments(first: 5) { nodes { body } } } }`, { id: issue.id }, agent.token), "issue");
    expect(onIssue.comments.nodes).toEqual([{ body: "Vendor contacted" }]);
  });

  it("names the body when it is empty or too long", async () => {
    for (const body of ["", "  \n ", "x".repeat(20_001)]) {
      const res = await t.gql(ADD_COMMENT, { i: { subjectId: ticket.id, body } }, carla.token);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.body" });
    }
    expect((await comment(t, carla.token, ticket.id, "y".repeat(20_000))).body).toHaveLength(20_000);
  });

  it("takes no comments on a closed ticket", async () => {
    const closed = await openTicket(t, carla.token);
    await transition(t, agent.token, closed.id, "CLOSED");
    for (const user of [carla, agent]) expect(code(await t.gql(ADD_COMMENT, { i: { subjectId: closed.id, body: "hello?" } }, user.token))).toBe("FORBIDDEN");
  });
});

describe("reading comments", () => {
  let convo: Ticket;
  const bodies: { body: string; internal: boolean }[] = [];
  beforeAll(async () => {
    convo = await openTicket(t, carla.token, { subject: "Conversation" });
    for (let i = 0; i < 7; i++) {
      const internal = i % 3 === 1;
      const author = internal || i % 2 ? agent : carla;
      await comment(t, author.token, convo.id, `Message ${i}`, internal);
      bodies.push({ body: `Message ${i}`, internal });
    }
  });
  const visible = (staff: boolean) => bodies.filter((b) => staff || !b.internal).map((b) => b.body);

  it("shows staff every comment and customers never an internal note, in comments, latestComments and commentCount", async () => {
    const staffView = await commentsOf(convo.id, agent.token);
    expect(staffView.comments.nodes.map((n: any) => n.body)).toEqual(visible(true));
    expect(staffView.comments.totalCount).toBe(7);
    expect(staffView.commentCount).toBe(7);
    expect(staffView.latestComments.map((n: any) => n.body)).toEqual(visible(true).slice(-3));
    const customerView = await commentsOf(convo.id, carla.token);
    expect(customerView.comments.nodes.map((n: any) => n.body)).toEqual(visible(false));
    expect(customerView.comments.nodes.every((n: any) => !n.internal)).toBe(true);
    expect(customerView.comments.totalCount).toBe(visible(false).length);
    expect(customerView.commentCount).toBe(visible(false).length);
    expect(customerView.latestComments.map((n: any) => n.body)).toEqual(visible(false).slice(-3));
  });

  it("pages a conversation forwards and backwards with the same visibility", async () => {
    for (const [user, staff] of [[agent, true], [carla, false]] as const) {
      const forward: string[] = [];
      let page = (await commentsOf(convo.id, user.token, { first: 2 })).comments;
      forward.push(...page.nodes.map((n: any) => n.body));
      while (page.pageInfo.hasNextPage) {
        page = (await commentsOf(convo.id, user.token, { first: 2, after: page.pageInfo.endCursor })).comments;
        forward.push(...page.nodes.map((n: any) => n.body));
      }
      expect(forward).toEqual(visible(staff));
      const backward: string[] = [];
      page = (await commentsOf(convo.id, user.token, { last: 2 })).comments;
      backward.unshift(...page.nodes.map((n: any) => n.body));
      while (page.pageInfo.hasPreviousPage) {
        page = (await commentsOf(convo.id, user.token, { last: 2, before: page.pageInfo.startCursor })).comments;
        backward.unshift(...page.nodes.map((n: any) => n.body));
      }
      expect(backward).toEqual(visible(staff));
    }
  });

  it("sizes latestComments within 1-20", async () => {
    const two = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { latestComments(last: 2) { body } } }`, { id: convo.id }, agent.token), "ticket");
    expect(two.latestComments.map((n: any) => n.body)).toEqual(["Message 5", "Message 6"]);
    for (const last of [0, 21]) {
      const res = await t.gql(`query($id: ID!, $n: Int!) { ticket(id: $id) { latestComments(last: $n) { body } } }`, { id: convo.id, n: last }, agent.token);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "last" });
    }
  });
});

describe("editing and deleting comments", () => {
  it("lets the author edit their comment, marking it edited", async () => {
    const mine = await comment(t, carla.token, ticket.id, "Typo hree");
    const edited = ok(await t.gql(EDIT_COMMENT, { id: mine.id, body: "Typo here", v: 1 }, carla.token), "editComment");
    expect(edited).toMatchObject({ body: "Typo here", version: 2 });
    expect(edited.editedAt).not.toBeNull();
    expect(code(await t.gql(EDIT_COMMENT, { id: mine.id, body: "Stale", v: 1 }, carla.token))).toBe("CONFLICT");
    expect((await t.gql(EDIT_COMMENT, { id: mine.id, body: " " }, carla.token)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "body" });
  });

  it("lets staff edit any comment and customers only their own", async () => {
    const reply = await comment(t, agent.token, ticket.id, "Agent reply");
    const theirs = await comment(t, carla.token, ticket.id, "Customer words");
    const customerView = await commentsOf(ticket.id, carla.token);
    const flags = Object.fromEntries(customerView.comments.nodes.map((n: any) => [n.id, n.viewerCanEdit]));
    expect([flags[reply.id], flags[theirs.id]]).toEqual([false, true]);
    expect(code(await t.gql(EDIT_COMMENT, { id: reply.id, body: "Hijacked" }, carla.token))).toBe("FORBIDDEN");
    expect(ok(await t.gql(EDIT_COMMENT, { id: theirs.id, body: "Redacted by the desk" }, admin.token), "editComment").body).toBe("Redacted by the desk");
  });

  it("hides internal notes and other customers' comments from editing as if missing", async () => {
    const note = await comment(t, agent.token, ticket.id, "Internal only", true);
    expect(code(await t.gql(EDIT_COMMENT, { id: note.id, body: "x" }, carla.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(DELETE_COMMENT, { id: note.id }, carla.token))).toBe("NOT_FOUND");
    const public_ = await comment(t, carla.token, ticket.id, "Mine");
    expect(code(await t.gql(EDIT_COMMENT, { id: public_.id, body: "x" }, dave.token))).toBe("NOT_FOUND");
  });

  it("soft-deletes: a deleted comment is no longer listed, counted or editable", async () => {
    const doomed = await comment(t, carla.token, ticket.id, "Please ignore");
    const before = await commentsOf(ticket.id, carla.token);
    expect(ok(await t.gql(DELETE_COMMENT, { id: doomed.id }, carla.token), "deleteComment")).toBe(doomed.id);
    const after = await commentsOf(ticket.id, carla.token);
    expect(after.comments.nodes.map((n: any) => n.id)).not.toContain(doomed.id);
    expect(after.commentCount).toBe(before.commentCount - 1);
    expect(code(await t.gql(EDIT_COMMENT, { id: doomed.id, body: "back" }, agent.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(DELETE_COMMENT, { id: doomed.id }, agent.token))).toBe("NOT_FOUND");
    const events = ok(await t.gql(`query($id: ID!) { auditEvents(first: 5, filter: { targetId: $id }) { nodes { action actor { id } } } }`, { id: doomed.id }, admin.token), "auditEvents");
    expect(events.nodes.map((n: any) => n.action).sort()).toEqual(["COMMENT_ADDED", "COMMENT_DELETED"]);
  });

  it("freezes the conversation of a closed ticket", async () => {
    const closing = await openTicket(t, carla.token);
    const said = await comment(t, carla.token, closing.id, "Thanks!");
    await transition(t, agent.token, closing.id, "CLOSED");
    expect((await commentsOf(closing.id, carla.token)).comments.nodes[0].viewerCanEdit).toBe(false);
    expect((await commentsOf(closing.id, agent.token)).comments.nodes[0].viewerCanEdit).toBe(false);
    expect(code(await t.gql(EDIT_COMMENT, { id: said.id, body: "Edited" }, carla.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(DELETE_COMMENT, { id: said.id }, agent.token))).toBe("FORBIDDEN");
  });
});
