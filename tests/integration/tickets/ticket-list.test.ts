import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { ASSIGN_TICKET, code, comment, DELETE_COMMENT, ok, openTicket, TICKET_LIST, transition, UPDATE_TICKET, type Ticket } from "./ticket-helpers.js";

type User = Awaited<ReturnType<TestServer["createUser"]>>;
let t: TestServer;
let ann: User; // customer
let ben: User; // customer
let agent: User;
let agent2: User;
let admin: User;
const T0 = new Date("2031-05-05T10:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
let now = T0;
const PRIORITIES = ["LOW", "NORMAL", "HIGH", "URGENT"];
const RANK: Record<string, number> = { LOW: 1, NORMAL: 2, HIGH: 3, URGENT: 4 };
/** The seeded tickets, oldest first. */
const seeded: Ticket[] = [];

beforeAll(async () => {
  // The sessions start at T0 (the users sign up on the fake clock) and last the suite's hour of business time.
  t = await startTestServer({ env: { SESSION_IDLE_MINUTES: "180" } });
  t.server.services.clock = { now: () => now };
  [ann, ben, agent, agent2, admin] = await Promise.all([
    t.createUser("CUSTOMER", "Ann"),
    t.createUser("CUSTOMER", "Ben"),
    t.createUser("AGENT", "Agent One"),
    t.createUser("AGENT", "Agent Two"),
    t.createUser("ADMIN", "Admin"),
  ]);
  for (let i = 0; i < 15; i++) {
    now = at(i);
    const ticket = await openTicket(t, i % 3 === 2 ? ben.token : ann.token, {
      subject: `Seeded ticket ${i}`,
      description: i === 4 ? "The keyboard types backwards" : `Nothing special ${i}`,
      priority: PRIORITIES[i % 4],
      category: i % 2 ? "Hardware" : null,
    });
    if (i % 5 === 1) await t.gql(ASSIGN_TICKET, { id: ticket.id, a: agent.id }, agent.token);
    if (i % 5 === 3) await t.gql(ASSIGN_TICKET, { id: ticket.id, a: agent2.id }, agent.token);
    if (i % 4 === 3) await transition(t, agent.token, ticket.id, "IN_PROGRESS");
    seeded.push(ticket);
  }
  now = at(20);
}, 120_000);
afterAll(async () => {
  if (t) t.server.services.clock = systemClock;
  await t?.close();
});

const seededFilter = { createdAfter: T0.toISOString(), createdBefore: at(15).toISOString() };

/** Follows `endCursor` (or `startCursor` backwards) to the end; `between` runs after the first page. */
async function walk(token: string, vars: Record<string, unknown>, size: number, backward = false, between?: () => Promise<void>) {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const res = ok(await t.gql(TICKET_LIST, { ...vars, ...(backward ? { last: size, before: cursor } : { first: size, after: cursor }) }, token), "tickets");
    const ids = res.nodes.map((n: any) => n.id);
    expect(ids.length).toBeLessThanOrEqual(size);
    if (backward) seen.unshift(...ids);
    else seen.push(...ids);
    const more = backward ? res.pageInfo.hasPreviousPage : res.pageInfo.hasNextPage;
    if (!more) return seen;
    cursor = backward ? res.pageInfo.startCursor : res.pageInfo.endCursor;
    if (page === 0 && between) await between();
  }
  throw new Error("did not reach the end");
}

describe("pagination", () => {
  it("pages forward, newest first, with no duplicates and no gaps while newer tickets arrive", async () => {
    const expected = seeded.map((s) => s.id).reverse();
    const ids = await walk(agent.token, { filter: { createdAfter: T0.toISOString() } }, 4, false, async () => {
      now = at(30);
      await openTicket(t, ann.token, { subject: "Arrived during paging" });
    });
    expect(ids).toEqual(expected); // the newcomer sorts before the cursor: it belongs to a fresh first page
  });

  it("pages forward oldest first and picks up tickets created meanwhile at the end", async () => {
    const before = ok(await t.gql(TICKET_LIST, { first: 100, filter: { createdAfter: T0.toISOString() }, orderBy: { field: "CREATED_AT", direction: "ASC" } }, agent.token), "tickets");
    let added: Ticket | undefined;
    const ids = await walk(agent.token, { filter: { createdAfter: T0.toISOString() }, orderBy: { field: "CREATED_AT", direction: "ASC" } }, 3, false, async () => {
      now = at(40);
      added = await openTicket(t, ann.token, { subject: "Arrived at the end" });
    });
    expect(ids).toEqual([...before.nodes.map((n: any) => n.id), added!.id]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("pages backward from the end to the start with the same result", async () => {
    const forward = await walk(agent.token, { filter: seededFilter }, 4);
    const backward = await walk(agent.token, { filter: seededFilter }, 4, true);
    expect(backward).toEqual(forward);
    expect(forward).toEqual(seeded.map((s) => s.id).reverse());
  });

  it("pages backward with no gaps while newer tickets arrive", async () => {
    const ids = await walk(agent.token, { filter: { createdAfter: at(50).toISOString() } }, 2, true);
    expect(ids).toEqual([]);
    const mine: Ticket[] = [];
    for (let i = 0; i < 5; i++) {
      now = at(51 + i);
      mine.push(await openTicket(t, ann.token, { subject: `Backward ${i}` }));
    }
    let extra: Ticket | undefined;
    const walked = await walk(agent.token, { filter: { createdAfter: at(50).toISOString() } }, 2, true, async () => {
      now = at(60);
      extra = await openTicket(t, ann.token, { subject: "Newest while paging back" });
    });
    // Walking back from the oldest end toward the newest: the newcomer is still ahead, so it is reached.
    expect(walked.slice(-5)).toEqual(mine.map((m) => m.id).reverse());
    expect(walked).toContain(extra!.id);
    expect(new Set(walked).size).toBe(walked.length);
  });

  it("reports where a page sits", async () => {
    const first = ok(await t.gql(TICKET_LIST, { first: 5, filter: seededFilter }, agent.token), "tickets");
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.totalCount).toBe(15);
    const last = ok(await t.gql(TICKET_LIST, { first: 10, after: first.pageInfo.endCursor, filter: seededFilter }, agent.token), "tickets");
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(last.nodes).toHaveLength(10);
  });

  it("rejects bad page arguments and foreign cursors with BAD_USER_INPUT", async () => {
    const page = ok(await t.gql(TICKET_LIST, { first: 2 }, agent.token), "tickets");
    const cases: [Record<string, unknown>, string][] = [
      [{ first: 2, last: 2 }, "first"],
      [{ first: 0 }, "first"],
      [{ first: 101 }, "first"],
      [{ first: 2, after: "not-a-cursor" }, "after"],
      [{ first: 2, after: page.pageInfo.endCursor, orderBy: { field: "PRIORITY", direction: "DESC" } }, "after"],
    ];
    for (const [vars, field] of cases) {
      const res = await t.gql(TICKET_LIST, vars, agent.token);
      expect(code(res), JSON.stringify(vars)).toBe("BAD_USER_INPUT");
      if (res.errors![0]!.extensions!.field) expect(res.errors![0]!.extensions!.field).toBe(field);
    }
  });
});

describe("ordering", () => {
  const list = async (orderBy: Record<string, string>) =>
    ok(await t.gql(`query($o: TicketOrder, $f: TicketFilter) { tickets(first: 100, orderBy: $o, filter: $f) { nodes { id priority createdAt updatedAt } } }`, { o: orderBy, f: seededFilter }, agent.token), "tickets").nodes;

  it("orders by priority rank (not by name), ties newest first, and pages that order consistently", async () => {
    const desc = await list({ field: "PRIORITY", direction: "DESC" });
    expect(desc.map((n: any) => n.priority).slice(0, 4)).toEqual(["URGENT", "URGENT", "URGENT", "HIGH"]);
    for (let i = 1; i < desc.length; i++) {
      const [a, b] = [desc[i - 1], desc[i]];
      expect(RANK[a.priority]! > RANK[b.priority]! || (a.priority === b.priority && a.createdAt >= b.createdAt)).toBe(true);
    }
    const asc = await list({ field: "PRIORITY", direction: "ASC" });
    expect(asc.map((n: any) => n.id)).toEqual(desc.map((n: any) => n.id).reverse());
    const walked = await walk(agent.token, { filter: seededFilter, orderBy: { field: "PRIORITY", direction: "DESC" } }, 4);
    expect(walked).toEqual(desc.map((n: any) => n.id));
    const back = await walk(agent.token, { filter: seededFilter, orderBy: { field: "PRIORITY", direction: "DESC" } }, 4, true);
    expect(back).toEqual(walked);
  });

  it("orders by creation and by last change in both directions", async () => {
    const created = await list({ field: "CREATED_AT", direction: "ASC" });
    expect(created.map((n: any) => n.id)).toEqual(seeded.map((s) => s.id));
    const updated = await list({ field: "UPDATED_AT", direction: "DESC" });
    const stamps = updated.map((n: any) => n.updatedAt);
    expect([...stamps].sort().reverse()).toEqual(stamps);
    const walked = await walk(agent.token, { filter: seededFilter, orderBy: { field: "UPDATED_AT", direction: "DESC" } }, 4);
    expect(walked).toEqual(updated.map((n: any) => n.id));
  });
});

describe("filters", () => {
  const ids = async (filter: Record<string, unknown>, token = agent.token) => {
    const res = ok(await t.gql(TICKET_LIST, { first: 100, filter: { ...seededFilter, ...filter } }, token), "tickets");
    expect(res.totalCount).toBe(res.nodes.length);
    return res.nodes.map((n: any) => n.id).sort();
  };
  const where = (pick: (i: number) => boolean) => seeded.filter((_, i) => pick(i)).map((s) => s.id).sort();

  it("filters by status and priority", async () => {
    expect(await ids({ status: ["IN_PROGRESS"] })).toEqual(where((i) => i % 4 === 3));
    expect(await ids({ status: ["OPEN", "IN_PROGRESS"] })).toEqual(where(() => true));
    expect(await ids({ priority: ["HIGH", "LOW"] })).toEqual(where((i) => i % 4 === 0 || i % 4 === 2));
  });

  it("filters by assignee: a user, nobody, anybody, or the viewer", async () => {
    expect(await ids({ assignee: { userId: agent.id } })).toEqual(where((i) => i % 5 === 1));
    expect(await ids({ assignee: { me: true } }, agent2.token)).toEqual(where((i) => i % 5 === 3));
    expect(await ids({ assignee: { unassigned: true } })).toEqual(where((i) => i % 5 !== 1 && i % 5 !== 3));
    expect(await ids({ assignee: { unassigned: false } })).toEqual(where((i) => i % 5 === 1 || i % 5 === 3));
  });

  it("filters by requester, and by creation and change time", async () => {
    expect(await ids({ requesterId: ben.id })).toEqual(where((i) => i % 3 === 2));
    expect(await ids({ createdAfter: at(10).toISOString() })).toEqual(where((i) => i >= 10));
    expect(await ids({ createdBefore: at(3).toISOString() })).toEqual(where((i) => i < 3));
    // updatedAt is wall time (the fake clock only drives creation and the SLA).
    expect(await ids({ updatedAfter: new Date(Date.now() - 3_600_000).toISOString() })).toEqual(where(() => true));
    const mark = new Date();
    ok(await t.gql(UPDATE_TICKET, { id: seeded[5]!.id, i: { category: "Touched" } }, agent.token), "updateTicket");
    expect(await ids({ updatedAfter: mark.toISOString() })).toEqual([seeded[5]!.id]);
  });

  it("scopes every filter to a customer's own tickets", async () => {
    expect(await ids({ status: ["IN_PROGRESS"] }, ann.token)).toEqual(where((i) => i % 4 === 3 && i % 3 !== 2));
  });

  it("filters by project through the tickets' issue links", async () => {
    const project = ok(await t.gql(`mutation { createProject(input: { key: "NET", name: "Network" }) { id } }`, {}, admin.token), "createProject");
    const issue = ok(await t.gql(`mutation($p: ID!) { createIssue(input: { projectId: $p, title: "Flaky switch" }) { id } }`, { p: project.id }, agent.token), "createIssue");
    for (const ticket of [seeded[2]!, seeded[7]!]) {
      ok(await t.gql(`mutation($t: ID!, $i: ID!) { linkTicketToIssue(ticketId: $t, issueId: $i) { linked } }`, { t: ticket.id, i: issue.id }, agent.token), "linkTicketToIssue");
    }
    expect(await ids({ projectId: project.id })).toEqual([seeded[2]!.id, seeded[7]!.id].sort());
    expect(await ids({ projectId: project.id, priority: ["HIGH"] })).toEqual([seeded[2]!.id]);
    expect(code(await t.gql(TICKET_LIST, { filter: { projectId: project.id } }, ann.token))).toBe("FORBIDDEN");
    // The link shows in the staff timeline, not in the customer's.
    const timeline = `query($id: ID!) { ticket(id: $id) { history { action } } }`;
    const staffHistory = ok(await t.gql(timeline, { id: seeded[7]!.id }, agent.token), "ticket").history.map((h: any) => h.action);
    expect(staffHistory).toContain("TICKET_LINKED");
    const customerHistory = ok(await t.gql(timeline, { id: seeded[7]!.id }, ann.token), "ticket").history.map((h: any) => h.action);
    expect(customerHistory).toEqual(staffHistory.filter((a: string) => a !== "TICKET_LINKED"));
  });

  it("finds the tickets due soon and sorts by the next SLA deadline, as each ticket's slaState says", async () => {
    const SLA = `query($filter: TicketFilter, $orderBy: TicketOrder) {
      tickets(first: 100, filter: $filter, orderBy: $orderBy) { nodes { id slaState slaDueAt slaSecondsLeft } } }`;
    const list = async (vars: Record<string, unknown>) => ok(await t.gql(SLA, vars, agent.token), "tickets").nodes as any[];
    const before = now;
    // Ticket 3 is URGENT (first response due 30 minutes after creation, at risk from 80%): at risk at +27.
    now = at(30);
    try {
      const all = await list({ filter: seededFilter });
      const atRisk = all.filter((n) => n.slaState === "AT_RISK").map((n) => n.id).sort();
      expect(atRisk).toContain(seeded[3]!.id);
      expect((await list({ filter: { ...seededFilter, slaDueSoon: true } })).map((n) => n.id).sort()).toEqual(atRisk);
      expect((await list({ filter: { ...seededFilter, slaDueSoon: false } })).length).toBe(all.length - atRisk.length);
      const urgent = all.find((n) => n.id === seeded[3]!.id);
      expect(urgent.slaSecondsLeft).toBe(3 * 60);
      expect(new Date(urgent.slaDueAt).getTime()).toBe(at(33).getTime());
      const byDue = await list({ filter: seededFilter, orderBy: { field: "SLA_DUE", direction: "ASC" } });
      const dues = byDue.map((n) => new Date(n.slaDueAt).getTime());
      expect(dues).toEqual([...dues].sort((a, b) => a - b));
      expect(byDue.map((n) => n.id).sort()).toEqual(all.map((n) => n.id).sort());
    } finally {
      now = before;
    }
  });

  it("names the field of an invalid filter", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ assignee: { me: true, unassigned: true } }, "filter.assignee"],
      [{ assignee: {} }, "filter.assignee"],
      [{ requesterId: "nope" }, "filter.requesterId"],
      [{ search: "x".repeat(201) }, "filter.search"],
      [{ createdAfter: at(5).toISOString(), createdBefore: at(1).toISOString() }, "filter.createdAfter"],
    ];
    for (const [filter, field] of cases) {
      const res = await t.gql(TICKET_LIST, { filter }, agent.token);
      expect(res.errors?.[0]?.extensions, field).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
  });
});

describe("search", () => {
  const found = async (search: string, token = agent.token) =>
    ok(await t.gql(TICKET_LIST, { first: 100, filter: { search, createdAfter: T0.toISOString() } }, token), "tickets").nodes.map((n: any) => n.id).sort();

  it("finds words in the subject and the description, by prefix and in any case", async () => {
    expect(await found("keyboard BACKWARDS")).toEqual([seeded[4]!.id]);
    expect(await found("keyb")).toEqual([seeded[4]!.id]);
    expect(await found("Seeded ticket 7")).toContain(seeded[7]!.id);
  });

  it("finds comments a viewer may read, never a customer's internal-only text", async () => {
    const target = seeded[0]!; // Ann's
    await comment(t, agent.token, target.id, "Replaced the toner cartridge");
    await comment(t, agent.token, target.id, "Suspect sabotage by the photocopier vendor", true);
    expect(await found("cartridge")).toEqual([target.id]);
    expect(await found("cartridge", ann.token)).toEqual([target.id]);
    expect(await found("sabotage")).toEqual([target.id]);
    expect(await found("sabotage", ann.token)).toEqual([]);
    expect(await found("photocopier vendor", ann.token)).toEqual([]);
  });

  it("searches one requester's tickets the same way: a customer's own, or a staff filter by requester", async () => {
    const anns = await openTicket(t, ann.token, { subject: "Kettle descaling schedule", description: "The kettle on floor 2" });
    const bens = await openTicket(t, ben.token, { subject: "Kettle leaks", description: "Water everywhere" });
    await comment(t, agent.token, bens.id, "Ordered a spare gasket");
    await comment(t, agent.token, anns.id, "Gasket talk is internal here", true);
    const byRequester = async (search: string, requesterId: string) =>
      ok(await t.gql(TICKET_LIST, { first: 100, filter: { search, requesterId, createdAfter: T0.toISOString() } }, agent.token), "tickets").nodes.map((n: any) => n.id);
    expect(await found("kettle")).toEqual([anns.id, bens.id].sort());
    expect(await found("kettle", ann.token)).toEqual([anns.id]);
    expect(await found("kettle", ben.token)).toEqual([bens.id]);
    expect(await found("gasket", ben.token)).toEqual([bens.id]);
    expect(await found("gasket", ann.token)).toEqual([]);
    expect(await byRequester("kettle", ann.id)).toEqual([anns.id]);
    expect(await byRequester("gasket", ann.id)).toEqual([anns.id]);
    expect(await byRequester("gasket", ben.id)).toEqual([bens.id]);
    expect(await byRequester("everywhere", ann.id)).toEqual([]);
  });

  it("finds a ticket by its reference, #1042 or 1042, within what the viewer may see", async () => {
    const bens = seeded[2]!; // Ben's
    const mentioning = await openTicket(t, ann.token, { subject: `Same as ${bens.number}, I think`, description: "See the other one" });
    expect(await found(`#${bens.number}`)).toEqual([bens.id]);
    expect(await found(` # ${bens.number} `)).toEqual([bens.id]);
    // A bare number is also a word: other tickets holding it match as well.
    expect(await found(String(bens.number))).toEqual(expect.arrayContaining([bens.id, mentioning.id]));
    expect(await found(`#${bens.number}`, ben.token)).toEqual([bens.id]);
    expect(await found(`#${bens.number}`, ann.token)).toEqual([]);
    const annSees = await found(String(bens.number), ann.token);
    expect(annSees).toContain(mentioning.id);
    expect(annSees).not.toContain(bens.id);
    expect(await found("#999999999")).toEqual([]);
  });

  it("forgets deleted comments", async () => {
    const target = seeded[1]!;
    const note = await comment(t, agent.token, target.id, "Mentions zeppelin once");
    expect(await found("zeppelin")).toEqual([target.id]);
    ok(await t.gql(DELETE_COMMENT, { id: note.id }, agent.token), "deleteComment");
    expect(await found("zeppelin")).toEqual([]);
  });

  it("handles short words, stopwords and symbols without errors", async () => {
    const target = await openTicket(t, ben.token, { subject: "PC at 50% on ox", description: "n/a" });
    expect(await found("50%")).toEqual([target.id]);
    expect(await found("ox")).toEqual([target.id]);
    // Punctuation alone holds no word to find: nothing matches (it used to list every ticket).
    expect(await found('"+(*)~<>@-')).toEqual([]);
    expect(await found('"+(*)~<>@-', ann.token)).toEqual([]);
    expect(await found("ox", ann.token)).toEqual([]);
  });
});
