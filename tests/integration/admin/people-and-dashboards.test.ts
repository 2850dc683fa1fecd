import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ticket } from "../../../src/modules/tickets/ticket.entity.js";
import { DEFAULT_PASSWORD, startTestServer, type GraphQLResult, type TestServer } from "../../support/server.js";

/**
 * Issue 18's admin and agent views: display names edited by their owners, a user's sessions for
 * admins, audit targets by name, and the created-versus-resolved trend, each for every role.
 */
let t: TestServer;
let admin: string;
let adminId: string;
let agent: Awaited<ReturnType<TestServer["createUser"]>>;
let customer: Awaited<ReturnType<TestServer["createUser"]>>;

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.adminToken();
  adminId = ok(await t.gql(`{ me { id } }`, {}, admin), "me").id;
  agent = await t.createUser("AGENT");
  customer = await t.createUser("CUSTOMER", "Casey Customer");
}, 120_000);
afterAll(() => t?.close());

const UPDATE_PROFILE = `mutation($i: UpdateMyProfileInput!) { updateMyProfile(input: $i) { id displayName } }`;
const USER_SESSIONS = `query($u: ID!) { userSessions(userId: $u) { id device ip current createdAt lastActiveAt } }`;
const REVOKE = `mutation($u: ID!, $s: ID!) { revokeUserSession(userId: $u, sessionId: $s) }`;
const AUDIT = `query($f: AuditEventFilter) { auditEvents(first: 50, filter: $f) { nodes { action targetType targetId targetLabel actor { id } details } } }`;
const STATS = `query($d: Int) { ticketStats(days: $d) { from to created resolved days { day created resolved } } }`;
const CREATE_TICKET = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number reference subject } }`;

function ok<T = any>(res: GraphQLResult, field: string): T {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data![field] as T;
}
const problem = (res: GraphQLResult) => res.errors?.[0]?.extensions;

describe("updateMyProfile", () => {
  it("lets a user change their own display name, normalised as at registration, and audits it", async () => {
    const user = await t.createUser("CUSTOMER", "Old Name");
    const updated = ok(await t.gql(UPDATE_PROFILE, { i: { displayName: "  Jo   Newname " } }, user.token), "updateMyProfile");
    expect(updated).toEqual({ id: user.id, displayName: "Jo Newname" });
    expect(ok(await t.gql(`{ me { displayName } }`, {}, user.token), "me").displayName).toBe("Jo Newname");

    const trail = ok(await t.gql(AUDIT, { f: { actions: ["PROFILE_UPDATED"], targetId: user.id } }, admin), "auditEvents").nodes;
    expect(trail).toEqual([
      expect.objectContaining({ targetType: "User", targetId: user.id, targetLabel: "Jo Newname", actor: { id: user.id }, details: { displayName: { from: "Old Name", to: "Jo Newname" } } }),
    ]);
  });

  it("works for staff too, and an unchanged name records nothing", async () => {
    const staff = await t.createUser("AGENT", "Agent Same");
    expect(ok(await t.gql(UPDATE_PROFILE, { i: { displayName: "Agent Same" } }, staff.token), "updateMyProfile").displayName).toBe("Agent Same");
    expect(ok(await t.gql(AUDIT, { f: { actions: ["PROFILE_UPDATED"], targetId: staff.id } }, admin), "auditEvents").nodes).toEqual([]);
  });

  it("refuses an empty, over-long or invisible-character name with a typed error and changes nothing", async () => {
    for (const displayName of ["   ", "x".repeat(101), "Zero\u200bWidth"]) {
      const res = await t.gql(UPDATE_PROFILE, { i: { displayName } }, customer.token);
      expect(problem(res)).toMatchObject({ code: "BAD_USER_INPUT", field: "input.displayName" });
    }
    expect(ok(await t.gql(`{ me { displayName } }`, {}, customer.token), "me").displayName).toBe("Casey Customer");
  });

  it("refuses anonymous callers", async () => {
    expect(problem(await t.gql(UPDATE_PROFILE, { i: { displayName: "Nobody" } }))).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("userSessions and revokeUserSession", () => {
  it("shows an admin a user's live sessions and lets them end one, audited", async () => {
    const user = await t.createUser("CUSTOMER", "Session Owner");
    const second = await t.login(user.email, DEFAULT_PASSWORD);
    const sessions = ok<{ id: string; current: boolean }[]>(await t.gql(USER_SESSIONS, { u: user.id }, admin), "userSessions");
    expect(sessions).toHaveLength(2);
    expect(sessions.every((s) => !s.current)).toBe(true);

    const me = async (token: string) => (await t.gql(`{ me { id } }`, {}, token)).data?.me ?? null;
    expect(await me(second.accessToken)).toEqual({ id: user.id });
    // Which session the second sign-in opened: the most recently active one.
    const target = sessions[0]!.id;
    expect(ok(await t.gql(REVOKE, { u: user.id, s: target }, admin), "revokeUserSession")).toBe(true);

    const left = ok<{ id: string }[]>(await t.gql(USER_SESSIONS, { u: user.id }, admin), "userSessions");
    expect(left.map((s) => s.id)).toEqual([sessions[1]!.id]);
    const stillIn = [await me(user.token), await me(second.accessToken)].filter(Boolean);
    expect(stillIn).toHaveLength(1);

    const trail = ok(await t.gql(AUDIT, { f: { actions: ["SESSION_REVOKED"], actorId: adminId, targetId: target } }, admin), "auditEvents").nodes;
    expect(trail).toEqual([expect.objectContaining({ targetType: "Session", targetId: target, targetLabel: null })]);
  });

  it("answers NOT_FOUND for an unknown user, and for a session that is not that user's", async () => {
    expect(problem(await t.gql(USER_SESSIONS, { u: "00000000-0000-7000-8000-000000000000" }, admin))).toMatchObject({ code: "NOT_FOUND" });
    const other = ok<{ id: string }[]>(await t.gql(USER_SESSIONS, { u: agent.id }, admin), "userSessions")[0]!;
    expect(problem(await t.gql(REVOKE, { u: customer.id, s: other.id }, admin))).toMatchObject({ code: "NOT_FOUND" });
    expect(ok<unknown[]>(await t.gql(USER_SESSIONS, { u: agent.id }, admin), "userSessions").length).toBeGreaterThan(0);
  });

  it("refuses agents, customers and anonymous callers", async () => {
    const session = ok<{ id: string }[]>(await t.gql(USER_SESSIONS, { u: customer.id }, admin), "userSessions")[0]!;
    for (const token of [agent.token, customer.token]) {
      expect(problem(await t.gql(USER_SESSIONS, { u: customer.id }, token))).toMatchObject({ code: "FORBIDDEN" });
      expect(problem(await t.gql(REVOKE, { u: customer.id, s: session.id }, token))).toMatchObject({ code: "FORBIDDEN" });
    }
    expect(problem(await t.gql(USER_SESSIONS, { u: customer.id }))).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(ok<{ id: string }[]>(await t.gql(USER_SESSIONS, { u: customer.id }, admin), "userSessions").map((s) => s.id)).toContain(session.id);
  });
});

describe("audit targets by name", () => {
  it("labels users, tickets and issues, and leaves other kinds unlabelled", async () => {
    const ticket = ok(await t.gql(CREATE_TICKET, { i: { subject: "Label me please", description: "Body" } }, customer.token), "createTicket");
    const project = ok(await t.gql(`mutation { createProject(input: { key: "LBL", name: "Labels" }) { id } }`, {}, admin), "createProject");
    const issue = ok(await t.gql(`mutation($p: ID!) { createIssue(input: { projectId: $p, title: "Broken labels" }) { id key } }`, { p: project.id }, admin), "createIssue");
    await t.gql(`mutation($id: ID!) { unlockUser(userId: $id) { id } }`, { id: customer.id }, admin);

    const nodes: { action: string; targetId: string; targetLabel: string | null }[] = ok(await t.gql(AUDIT, {}, admin), "auditEvents").nodes;
    const labelOf = (action: string, id: string) => nodes.find((n) => n.action === action && n.targetId === id)?.targetLabel;
    expect(labelOf("TICKET_CREATED", ticket.id)).toBe(`${ticket.reference} · Label me please`);
    expect(labelOf("ISSUE_CREATED", issue.id)).toBe(`${issue.key} · Broken labels`);
    expect(labelOf("PROJECT_CREATED", project.id)).toBe("LBL · Labels");
    expect(labelOf("USER_UNLOCKED", customer.id)).toBe("Casey Customer");
  });
});

describe("audit target labels are batched", () => {
  it("labels a page of 5 or 50 events of every kind in the same number of statements", async () => {
    for (let i = 0; i < 30; i++) await t.gql(CREATE_TICKET, { i: { subject: `Batch ${i}`, description: "x" } }, customer.token);
    const statements = async (first: number) => {
      const res = await t.http<{ data: any; errors?: unknown }>("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query: `query($n: Int) { auditEvents(first: $n) { nodes { targetType targetLabel actor { displayName } } } }`, variables: { n: first } }),
      });
      expect(res.body.errors).toBeUndefined();
      const nodes: { targetType: string | null; targetLabel: string | null }[] = res.body.data.auditEvents.nodes;
      return { count: Number(res.headers["x-sql-statements"]), size: nodes.length, kinds: new Set(nodes.filter((n) => n.targetLabel).map((n) => n.targetType)) };
    };
    const small = await statements(5);
    const large = await statements(50);
    expect([small.size, large.size]).toEqual([5, 50]);
    expect(large.kinds.size).toBeGreaterThanOrEqual(2); // users and tickets at least
    // The page, and one query per kind of target: never one per event.
    expect(large.count).toBeLessThanOrEqual(small.count + 3);
    expect(large.count).toBeLessThanOrEqual(6);
  });
});

describe("ticketStats", () => {
  const DAY = 86_400_000;
  const dayStart = (daysAgo: number) => new Date((Math.floor(Date.now() / DAY) - daysAgo) * DAY).toISOString();

  it("counts tickets created and resolved per UTC day, every day of the span listed", async () => {
    const before = ok(await t.gql(STATS, {}, agent.token), "ticketStats");
    expect(before.days).toHaveLength(14);
    expect(before.days[13].day).toBe(dayStart(0));
    expect(before.from).toBe(dayStart(13));

    // Three tickets, moved back in time in the database: created 3 and 2 days ago, resolved 1 day ago, closed today.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(ok(await t.gql(CREATE_TICKET, { i: { subject: `Trend ${i}`, description: "x" } }, customer.token), "createTicket").id);
    const em = t.server.orm.em.fork();
    const at = (daysAgo: number, hour: number) => new Date(Date.parse(dayStart(daysAgo)) + hour * 3_600_000);
    await em.nativeUpdate(Ticket, { id: ids[0] }, { createdAt: at(3, 0), resolvedAt: at(1, 23) });
    await em.nativeUpdate(Ticket, { id: ids[1] }, { createdAt: at(2, 12), resolvedAt: null, closedAt: at(1, 1) });
    await em.nativeUpdate(Ticket, { id: ids[2] }, { createdAt: at(2, 23), resolvedAt: at(20, 0) }); // resolved outside the span

    const after = ok(await t.gql(STATS, {}, admin), "ticketStats");
    const delta = (i: number, key: "created" | "resolved") => after.days[i][key] - before.days[i][key];
    expect([delta(10, "created"), delta(11, "created"), delta(12, "created"), delta(13, "created")]).toEqual([1, 2, 0, 0]);
    expect([delta(10, "resolved"), delta(11, "resolved"), delta(12, "resolved"), delta(13, "resolved")]).toEqual([0, 0, 2, 0]);
    expect(after.created).toBe(after.days.reduce((n: number, d: { created: number }) => n + d.created, 0));
    expect(after.resolved - before.resolved).toBe(2);

    const one = ok(await t.gql(STATS, { d: 1 }, agent.token), "ticketStats");
    expect(one.days).toEqual([{ day: dayStart(0), created: after.days[13].created, resolved: after.days[13].resolved }]);
  });

  it("refuses a span outside 1 to 90 days", async () => {
    for (const d of [0, 91, -1]) expect(problem(await t.gql(STATS, { d }, agent.token))).toMatchObject({ code: "BAD_USER_INPUT", field: "days" });
  });

  it("refuses customers and anonymous callers", async () => {
    expect(problem(await t.gql(STATS, {}, customer.token))).toMatchObject({ code: "FORBIDDEN" });
    expect(problem(await t.gql(STATS, {}))).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
