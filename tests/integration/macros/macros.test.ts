import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { auditTrail, createDesk, ok, storedEvents, type Desk } from "../issues/desk-fixtures.js";

let t: TestServer;
let desk: Desk;
let cannedId: string;

beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  cannedId = ok<{ id: string }>(
    await t.gql(`mutation($i: CannedResponseInput!) { createCannedResponse(input: $i) { id } }`, { i: { title: "Solved", body: "Hi {{requester.name}}, {{ticket.reference}} is solved." } }, desk.agent.token),
    "createCannedResponse",
  ).id;
});
afterAll(() => t?.close());

const code = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions?.code;
const openTicket = async (): Promise<{ id: string; number: number; version: number }> =>
  ok(await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number version } }`, { i: { subject: "Printer", description: "Jammed." } }, desk.customer.token), "createTicket");
const createMacro = async (input: Record<string, unknown>, token = desk.agent.token) => ok<{ id: string; version: number }>(await t.gql(CREATE, { i: input }, token), "createMacro");
const ticketNow = async (id: string) => ok(await t.gql(TICKET, { id }, desk.agent.token), "ticket");

describe("applyMacro", () => {
  it("replies, assigns, sets priority, tags and status in one go, through the usual events", async () => {
    const ticket = await openTicket();
    ok(await t.gql(`mutation($id: ID!) { transitionTicket(id: $id, to: IN_PROGRESS) { id } }`, { id: ticket.id }, desk.agent.token), "transitionTicket");
    const macro = await createMacro({
      name: "Solve printer",
      actions: { replyCannedResponseId: cannedId, status: "RESOLVED", priority: "HIGH", assign: "ME", addTags: ["printer"] },
    });
    const preview = ok(await t.gql(PREVIEW, { m: macro.id, t: ticket.id }, desk.agent.token), "previewMacro");
    expect(preview).toMatchObject({ applicable: true, errorCode: null });
    expect(preview.changes.map((c: { kind: string }) => c.kind)).toEqual(["REPLY", "PRIORITY", "ASSIGNEE", "TAGS", "STATUS"]);
    expect(preview.changes[0].to).toBe(`Hi Carol Customer, #${ticket.number} is solved.`);
    // the preview changed nothing
    expect(await ticketNow(ticket.id)).toMatchObject({ status: "IN_PROGRESS", priority: "NORMAL", assignee: null, tags: [], version: preview.ticketVersion });

    const applied = ok(await t.gql(APPLY, { m: macro.id, t: ticket.id, v: preview.ticketVersion }, desk.agent.token), "applyMacro");
    expect(applied.comment).toMatchObject({ body: `Hi Carol Customer, #${ticket.number} is solved.`, internal: false });
    expect(applied.ticket).toMatchObject({ status: "RESOLVED", priority: "HIGH", assignee: { id: desk.agent.id }, tags: [{ name: "printer" }] });
    const actions = (await auditTrail(t, ticket.id)).map((a) => a.action);
    for (const action of ["TICKET_UPDATED", "TICKET_ASSIGNED", "TICKET_TAGS_CHANGED", "TICKET_TRANSITIONED", "MACRO_APPLIED"]) expect(actions).toContain(action);
    const [event] = await storedEvents(t, { type: "macro.applied", targetId: ticket.id });
    expect(event).toMatchObject({ actorId: desk.agent.id, visibility: "STAFF", payload: { macroId: macro.id, name: "Solve printer", changes: ["REPLY", "PRIORITY", "ASSIGNEE", "TAGS", "STATUS"] } });
    expect(await storedEvents(t, { type: "comment.added" })).not.toHaveLength(0);
  });

  it("changes nothing when one step is refused (an invalid transition), and answers its error", async () => {
    const ticket = await openTicket(); // OPEN: RESOLVED is not reachable from here
    const macro = await createMacro({ name: "Resolve at once", actions: { replyBody: "Done, {{requester.name}}.", priority: "URGENT", addTags: ["never-made"], status: "RESOLVED" } });
    const preview = ok(await t.gql(PREVIEW, { m: macro.id, t: ticket.id }, desk.agent.token), "previewMacro");
    expect(preview).toMatchObject({ applicable: false, errorCode: "INVALID_TRANSITION" });
    const res = await t.gql(APPLY, { m: macro.id, t: ticket.id, v: ticket.version }, desk.agent.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "INVALID_TRANSITION", currentStatus: "OPEN" });
    expect(await ticketNow(ticket.id)).toMatchObject({ status: "OPEN", priority: "NORMAL", tags: [], version: ticket.version, comments: { totalCount: 0 } });
    expect(ok<{ name: string }[]>(await t.gql(`{ tags(search: "never-made") { name } }`, {}, desk.agent.token), "tags")).toEqual([]);
    expect(await storedEvents(t, { targetId: ticket.id })).toHaveLength(1); // ticket.created only
  });

  it("answers CONFLICT when the ticket changed since the version given", async () => {
    const ticket = await openTicket();
    const macro = await createMacro({ name: "Bump", actions: { priority: "LOW" } });
    ok(await t.gql(`mutation($id: ID!) { updateTicket(id: $id, input: { priority: HIGH }) { id } }`, { id: ticket.id }, desk.otherAgent.token), "updateTicket");
    expect(code(await t.gql(APPLY, { m: macro.id, t: ticket.id, v: ticket.version }, desk.agent.token))).toBe("CONFLICT");
    expect((await ticketNow(ticket.id)).priority).toBe("HIGH");
  });

  it("posts an internal note and unassigns", async () => {
    const ticket = await openTicket();
    ok(await t.gql(`mutation($id: ID!, $a: ID) { assignTicket(id: $id, assigneeId: $a) { id } }`, { id: ticket.id, a: desk.otherAgent.id }, desk.agent.token), "assignTicket");
    const macro = await createMacro({ name: "Park", actions: { replyBody: "Parked by {{agent.name}}", replyInternal: true, assign: "NOBODY", removeTags: ["nothing"] } });
    const now = await ticketNow(ticket.id);
    const applied = ok(await t.gql(APPLY, { m: macro.id, t: ticket.id, v: now.version }, desk.agent.token), "applyMacro");
    expect(applied.comment).toMatchObject({ body: "Parked by Alice Agent", internal: true });
    expect(applied.ticket.assignee).toBeNull();
    expect(applied.changes.map((c: { kind: string }) => c.kind)).toEqual(["NOTE", "ASSIGNEE"]);
  });
});

describe("macros", () => {
  it("are personal or, made by admins, shared", async () => {
    expect(code(await t.gql(CREATE, { i: { name: "Shared", shared: true, actions: { priority: "LOW" } } }, desk.agent.token))).toBe("FORBIDDEN");
    const shared = await createMacro({ name: "Team macro", shared: true, actions: { priority: "LOW" } }, desk.admin.token);
    const personal = await createMacro({ name: "Alice macro", actions: { priority: "LOW" } });
    const listed = ok<{ id: string }[]>(await t.gql(`{ macros { id } }`, {}, desk.otherAgent.token), "macros").map((m) => m.id);
    expect(listed).toContain(shared.id);
    expect(listed).not.toContain(personal.id);
    const ticket = await openTicket();
    expect(code(await t.gql(APPLY, { m: personal.id, t: ticket.id, v: ticket.version }, desk.otherAgent.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(UPDATE, { id: shared.id, i: { name: "Mine", actions: { priority: "HIGH" } } }, desk.agent.token))).toBe("FORBIDDEN");
    ok(await t.gql(UPDATE, { id: personal.id, i: { name: "Alice macro 2", actions: { priority: "HIGH" } }, v: personal.version }, desk.agent.token), "updateMacro");
    expect(ok(await t.gql(`mutation($id: ID!) { deleteMacro(id: $id) }`, { id: personal.id }, desk.agent.token), "deleteMacro")).toBe(true);
    expect((await auditTrail(t, personal.id)).map((a) => a.action)).toEqual(["MACRO_CREATED", "MACRO_UPDATED", "MACRO_DELETED"]);
  });

  it("refuse bad input when saved, naming the field", async () => {
    const bad = async (actions: Record<string, unknown>, field: string, shared = false) => {
      const res = await t.gql(CREATE, { i: { name: "Bad", shared, actions } }, shared ? desk.admin.token : desk.agent.token);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    };
    await bad({}, "input.actions");
    await bad({ replyBody: "Hi {{nobody}}" }, "input.actions.replyBody");
    await bad({ replyBody: "x", replyCannedResponseId: cannedId }, "input.actions.replyBody");
    await bad({ replyCannedResponseId: cannedId }, "input.actions.replyCannedResponseId", true); // a personal response in a shared macro
    await bad({ assign: "USER", assigneeId: desk.customer.id }, "input.actions.assigneeId");
    await bad({ addTags: ["a"], removeTags: ["A"] }, "input.actions.removeTags");
    await bad({ replyInternal: true }, "input.actions.replyInternal");
  });

  it("are refused to customers", async () => {
    const ticket = await openTicket();
    expect(code(await t.gql(`{ macros { id } }`, {}, desk.customer.token))).toBe("FORBIDDEN");
    const macro = await createMacro({ name: "x", actions: { priority: "LOW" } });
    expect(code(await t.gql(APPLY, { m: macro.id, t: ticket.id, v: ticket.version }, desk.customer.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(PREVIEW, { m: macro.id, t: ticket.id }, desk.customer.token))).toBe("FORBIDDEN");
  });
});

describe("API tokens", () => {
  it("preview with tickets:read and apply only with tickets:write", async () => {
    const ticket = await openTicket();
    const macro = await createMacro({ name: "Token macro", actions: { priority: "HIGH" } });
    const token = async (scopes: string[]) =>
      ok<{ token: string }>(
        await t.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`, { i: { name: `macro ${scopes.join(" ")}`, scopes, expiresAt: new Date(Date.now() + 86_400_000).toISOString() } }, desk.agent.token),
        "createApiToken",
      ).token;
    const reader = await token(["TICKETS_READ"]);
    expect(ok(await t.gql(PREVIEW, { m: macro.id, t: ticket.id }, reader), "previewMacro").applicable).toBe(true);
    expect(code(await t.gql(APPLY, { m: macro.id, t: ticket.id, v: ticket.version }, reader))).toBe("FORBIDDEN");
    const writer = await token(["TICKETS_WRITE"]);
    expect(ok(await t.gql(APPLY, { m: macro.id, t: ticket.id, v: ticket.version }, writer), "applyMacro").ticket.priority).toBe("HIGH");
  });
});

const CREATE = `mutation($i: MacroInput!) { createMacro(input: $i) { id version } }`;
const UPDATE = `mutation($id: ID!, $i: MacroInput!, $v: Int) { updateMacro(id: $id, input: $i, expectedVersion: $v) { id } }`;
const PREVIEW = `query($m: ID!, $t: ID!) { previewMacro(macroId: $m, ticketId: $t) { applicable errorCode errorMessage ticketVersion changes { kind from to } } }`;
const APPLY = `mutation($m: ID!, $t: ID!, $v: Int!) { applyMacro(macroId: $m, ticketId: $t, expectedVersion: $v) { changes { kind } comment { body internal } ticket { status priority version assignee { id } tags { name } } } }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { status priority version assignee { id } tags { name } comments { totalCount } } }`;
