import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { ASSIGN_TICKET, code, comment, CREATE_TICKET, GET_TICKET, ok, openTicket, ticketIn, TICKET_LIST, transition, UPDATE_TICKET } from "./ticket-helpers.js";

type User = Awaited<ReturnType<TestServer["createUser"]>>;
let t: TestServer;
let alice: User; // customer
let bob: User; // another customer
let agent: User;
let admin: User;

beforeAll(async () => {
  t = await startTestServer();
  [alice, bob, agent, admin] = await Promise.all([t.createUser("CUSTOMER", "Alice"), t.createUser("CUSTOMER", "Bob"), t.createUser("AGENT", "Agnes"), t.createUser("ADMIN", "Ada")]);
});
afterAll(() => t?.close());

describe("opening tickets", () => {
  it("numbers tickets from #1 without duplicates or gaps, even when the very first ones are opened concurrently", async () => {
    const tickets = await Promise.all(Array.from({ length: 12 }, (_, i) => openTicket(t, i % 2 ? alice.token : bob.token, { subject: `Concurrent ${i}` })));
    const numbers = tickets.map((x) => x.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it("opens a customer's ticket for themselves, OPEN, numbered, with the description stored as written", async () => {
    const description = "  Steps:\n\n1. print\n2. *jam*  \n";
    const ticket = await openTicket(t, alice.token, { subject: "  Printer jams  ", description, priority: "HIGH", category: "Hardware" });
    expect(ticket).toMatchObject({
      subject: "Printer jams",
      description,
      status: "OPEN",
      priority: "HIGH",
      category: "Hardware",
      version: 1,
      requester: { id: alice.id, displayName: "Alice" },
      assignee: null,
      firstResponseAt: null,
      timeToFirstResponse: null,
      slaBreached: false,
      viewerCanEdit: true,
      viewerCanComment: true,
      allowedTransitions: ["CLOSED"], // a customer may withdraw it
    });
    expect(ticket.reference).toBe(`#${ticket.number}`);
  });

  it("lets an agent open a ticket for a customer, but not for another agent", async () => {
    const ticket = ok(await t.gql(CREATE_TICKET, { i: { subject: "Phoned in", description: "Called the desk.", requesterId: bob.id } }, agent.token), "createTicket");
    expect(ticket.requester.id).toBe(bob.id);
    const res = await t.gql(CREATE_TICKET, { i: { subject: "x", description: "y", requesterId: admin.id } }, agent.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.requesterId" });
  });

  it("refuses a customer opening a ticket in someone else's name", async () => {
    const res = await t.gql(CREATE_TICKET, { i: { subject: "x", description: "y", requesterId: bob.id } }, alice.token);
    expect(code(res)).toBe("FORBIDDEN");
  });

  it("names the offending field of invalid input", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ subject: "   " }, "input.subject"],
      [{ subject: "s".repeat(201) }, "input.subject"],
      [{ description: " \n " }, "input.description"],
      [{ description: "d".repeat(20_001) }, "input.description"],
      [{ category: "c".repeat(51) }, "input.category"],
      [{ subject: "🎉".repeat(201) }, "input.subject"],
    ];
    for (const [input, field] of cases) {
      const res = await t.gql(CREATE_TICKET, { i: { subject: "ok", description: "ok", ...input } }, alice.token);
      expect(res.errors?.[0]?.extensions, field).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const longest = await openTicket(t, alice.token, { subject: "s".repeat(200), description: "é".repeat(20_000) });
    expect(longest.description).toHaveLength(20_000);
  });

  it("counts limits in characters, so an emoji counts once", async () => {
    const party = await openTicket(t, alice.token, { subject: "🎉".repeat(200), description: "🎉".repeat(20_000), category: "🎉".repeat(50) });
    expect([...party.subject]).toHaveLength(200);
    expect(party.subject).toBe("🎉".repeat(200));
    expect(party.description).toBe("🎉".repeat(20_000));
  });

  it("asks anonymous callers to sign in", async () => {
    expect(code(await t.gql(CREATE_TICKET, { i: { subject: "x", description: "y" } }))).toBe("UNAUTHENTICATED");
    expect(code(await t.gql(TICKET_LIST, {}))).toBe("UNAUTHENTICATED");
  });
});

describe("who sees which tickets", () => {
  it("answers another customer's ticket exactly like a missing one", async () => {
    const ticket = await openTicket(t, alice.token);
    const theirs = await t.gql(GET_TICKET, { id: ticket.id }, bob.token);
    const missing = await t.gql(GET_TICKET, { id: "01a2aaaa-0000-7000-8000-000000000000" }, bob.token);
    expect(code(theirs)).toBe("NOT_FOUND");
    expect(theirs.errors![0]!.message.replace(ticket.id, "ID")).toBe(missing.errors![0]!.message.replace("01a2aaaa-0000-7000-8000-000000000000", "ID"));
    expect(theirs.errors![0]!.extensions).toEqual(missing.errors![0]!.extensions);
    for (const [doc, vars] of [
      [UPDATE_TICKET, { id: ticket.id, i: { subject: "mine now" } }],
      [`mutation($id: ID!) { transitionTicket(id: $id, to: CLOSED) { id } }`, { id: ticket.id }],
      [`mutation($id: ID!) { addComment(input: { subjectId: $id, body: "hi" }) { id } }`, { id: ticket.id }],
    ] as const) {
      expect(code(await t.gql(doc, vars, bob.token))).toBe("NOT_FOUND");
    }
    expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, alice.token), "ticket").id).toBe(ticket.id);
  });

  it("finds a ticket by its reference too", async () => {
    const ticket = await openTicket(t, alice.token);
    expect(ok(await t.gql(GET_TICKET, { id: ticket.reference }, alice.token), "ticket").id).toBe(ticket.id);
    expect(code(await t.gql(GET_TICKET, { id: ticket.reference }, bob.token))).toBe("NOT_FOUND");
  });

  it("lists only a customer's own tickets, even when they ask for someone else's", async () => {
    const mine = ok(await t.gql(TICKET_LIST, { first: 100 }, bob.token), "tickets");
    const ids = new Set(mine.nodes.map((n: any) => n.id));
    expect(mine.totalCount).toBe(ids.size);
    const all = ok(await t.gql(`{ tickets(first: 100) { nodes { id requester { id } } } }`, {}, agent.token), "tickets");
    expect(all.nodes.filter((n: any) => n.requester.id === bob.id).map((n: any) => n.id).sort()).toEqual([...ids].sort());
    const asked = ok(await t.gql(TICKET_LIST, { first: 100, filter: { requesterId: alice.id } }, bob.token), "tickets");
    expect(asked.totalCount).toBe(0);
  });

  it("shows agents and admins every ticket", async () => {
    const ticket = await openTicket(t, bob.token);
    for (const staff of [agent, admin]) expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, staff.token), "ticket").id).toBe(ticket.id);
  });

  it("never shows a customer the email of the agent on their ticket", async () => {
    const ticket = await openTicket(t, alice.token);
    ok(await t.gql(ASSIGN_TICKET, { id: ticket.id, a: agent.id }, agent.token), "assignTicket");
    const res = await t.gql(`query($id: ID!) { ticket(id: $id) { assignee { displayName email } requester { email } } }`, { id: ticket.id }, alice.token);
    expect(res.errors?.map((e) => [e.path?.join("."), e.extensions?.code])).toEqual([["ticket.assignee.email", "FORBIDDEN"]]);
  });
});

describe("editing", () => {
  it("lets the requester edit subject, description and category, and records what changed", async () => {
    const ticket = await openTicket(t, alice.token);
    const edited = ok(await t.gql(UPDATE_TICKET, { id: ticket.id, i: { subject: "Printer fixed?", category: "" }, v: 1 }, alice.token), "updateTicket");
    expect(edited).toMatchObject({ subject: "Printer fixed?", category: null, version: 2 });
    const history = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { history { action details actor { id } } } }`, { id: ticket.id }, alice.token), "ticket").history;
    expect(history.at(-1)).toMatchObject({ action: "TICKET_UPDATED", actor: { id: alice.id }, details: { changes: { subject: { from: "Printer on floor 3 jams", to: "Printer fixed?" } } } });
  });

  it("keeps the priority for agents, and moves the SLA deadlines when they change it", async () => {
    const ticket = await openTicket(t, alice.token, { priority: "LOW" });
    expect(code(await t.gql(UPDATE_TICKET, { id: ticket.id, i: { priority: "URGENT" } }, alice.token))).toBe("FORBIDDEN");
    const urgent = ok(await t.gql(UPDATE_TICKET, { id: ticket.id, i: { priority: "URGENT" } }, agent.token), "updateTicket");
    const deadline = (r: any) => new Date(r.firstResponseDueAt).getTime() - new Date(r.createdAt).getTime();
    const full = `query($id: ID!) { ticket(id: $id) { createdAt firstResponseDueAt resolutionDueAt } }`;
    const after = ok(await t.gql(full, { id: urgent.id }, agent.token), "ticket");
    expect(deadline(after)).toBe(t.server.services.config.sla.firstResponseMinutes.URGENT * 60_000);
  });

  it("refuses a stale expectedVersion with CONFLICT and changes nothing", async () => {
    const ticket = await openTicket(t, alice.token);
    ok(await t.gql(UPDATE_TICKET, { id: ticket.id, i: { subject: "First edit" }, v: 1 }, alice.token), "updateTicket");
    const stale = await t.gql(UPDATE_TICKET, { id: ticket.id, i: { subject: "Second edit" }, v: 1 }, agent.token);
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", currentVersion: 2 });
    expect(ok(await t.gql(GET_TICKET, { id: ticket.id }, alice.token), "ticket")).toMatchObject({ subject: "First edit", version: 2 });
  });

  it("asks for at least one change", async () => {
    const ticket = await openTicket(t, alice.token);
    expect((await t.gql(UPDATE_TICKET, { id: ticket.id, i: {} }, alice.token)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input" });
  });

  it("stops customers editing a resolved ticket and everyone editing a closed one", async () => {
    const resolved = await ticketIn(t, agent.token, alice.token, "RESOLVED");
    expect(resolved.viewerCanEdit).toBe(true); // the agent's view
    expect(ok(await t.gql(GET_TICKET, { id: resolved.id }, alice.token), "ticket").viewerCanEdit).toBe(false);
    expect(code(await t.gql(UPDATE_TICKET, { id: resolved.id, i: { subject: "x" } }, alice.token))).toBe("FORBIDDEN");
    const closed = await transition(t, agent.token, resolved.id, "CLOSED");
    expect(closed).toMatchObject({ viewerCanEdit: false, viewerCanComment: false, allowedTransitions: [] });
    expect(code(await t.gql(UPDATE_TICKET, { id: closed.id, i: { subject: "x" } }, agent.token))).toBe("FORBIDDEN");
  });
});

describe("assigning", () => {
  it("lets agents and admins assign to an active agent or admin, and unassign", async () => {
    const ticket = await openTicket(t, alice.token);
    const assigned = ok(await t.gql(ASSIGN_TICKET, { id: ticket.id, a: admin.id, v: 1 }, agent.token), "assignTicket");
    expect(assigned).toMatchObject({ assignee: { id: admin.id }, version: 2 });
    const unassigned = ok(await t.gql(ASSIGN_TICKET, { id: ticket.id, a: null }, admin.token), "assignTicket");
    expect(unassigned.assignee).toBeNull();
    const history = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { history { action from to } } }`, { id: ticket.id }, agent.token), "ticket").history;
    expect(history.filter((h: any) => h.action === "TICKET_ASSIGNED")).toEqual([
      { action: "TICKET_ASSIGNED", from: null, to: admin.id },
      { action: "TICKET_ASSIGNED", from: admin.id, to: null },
    ]);
  });

  it("refuses customers", async () => {
    const ticket = await openTicket(t, alice.token);
    expect(code(await t.gql(ASSIGN_TICKET, { id: ticket.id, a: agent.id }, alice.token))).toBe("FORBIDDEN");
  });

  it("only assigns active agents and admins", async () => {
    const ticket = await openTicket(t, alice.token);
    const gone = await t.createUser("AGENT", "Gone");
    ok(await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: gone.id }, admin.token), "deactivateUser");
    for (const assignee of [bob.id, gone.id, "01a2aaaa-0000-7000-8000-000000000000"]) {
      const res = await t.gql(ASSIGN_TICKET, { id: ticket.id, a: assignee }, agent.token);
      expect(res.errors?.[0]?.extensions, assignee).toMatchObject({ code: "BAD_USER_INPUT", field: "assigneeId" });
    }
  });
});

describe("the audit trail", () => {
  it("records every change to a ticket and its comments with its actor", async () => {
    const ticket = await openTicket(t, alice.token);
    await transition(t, agent.token, ticket.id, "IN_PROGRESS");
    const note = await comment(t, agent.token, ticket.id, "Checking the toner", true);
    const res = await t.gql(`query($f: AuditEventFilter) { auditEvents(first: 20, filter: $f) { nodes { action targetId actor { id } } } }`, { f: { targetId: note.id } }, admin.token);
    expect(ok(res, "auditEvents").nodes).toEqual([{ action: "COMMENT_ADDED", targetId: note.id, actor: { id: agent.id } }]);
    const onTicket = ok(await t.gql(`query($f: AuditEventFilter) { auditEvents(first: 20, filter: $f) { nodes { action } } }`, { f: { targetId: ticket.id } }, admin.token), "auditEvents");
    expect(onTicket.nodes.map((n: any) => n.action).sort()).toEqual(["TICKET_CREATED", "TICKET_TRANSITIONED"]);
  });
});
