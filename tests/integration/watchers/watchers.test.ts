import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { code, comment, ok, openTicket, transition } from "../tickets/ticket-helpers.js";
import { ADD_CC, mailsTo, MENTIONABLE, UNWATCH, WATCH, WATCHERS } from "./support.js";

type User = { id: string; email: string; token: string };
let t: TestServer;
let agent: User;
let otherAgent: User;
let customer: User;
let stranger: User;

beforeAll(async () => {
  t = await startTestServer();
  agent = await t.createUser("AGENT", "Agent Watcher");
  otherAgent = await t.createUser("AGENT", "Otto Agent");
  customer = await t.createUser("CUSTOMER", "Carla Customer");
  stranger = await t.createUser("CUSTOMER", "Sam Stranger");
});
afterAll(() => t?.close());

const ids = (users: { id: string }[]) => users.map((u) => u.id).sort();

describe("watching tickets", () => {
  it("lets a customer watch and un-watch their own ticket, and shows them only themselves", async () => {
    const ticket = await openTicket(t, customer.token);
    ok(await t.gql(WATCH, { t: ticket.id }, agent.token), "watchTicket");
    const watched = ok(await t.gql(WATCH, { t: ticket.id }, customer.token), "watchTicket");
    expect(watched.viewerIsWatching).toBe(true);
    expect(ids(watched.watchers)).toEqual([customer.id]); // the agent watching stays hidden

    const staffView = ok(await t.gql(WATCHERS, { id: ticket.id }, otherAgent.token), "ticket");
    expect(ids(staffView.watchers)).toEqual(ids([agent, customer]));
    expect(staffView.viewerIsWatching).toBe(false);

    const unwatched = ok(await t.gql(UNWATCH, { t: ticket.id }, customer.token), "unwatchTicket");
    expect(unwatched.viewerIsWatching).toBe(false);
    expect(unwatched.watchers).toEqual([]);
  });

  it("is idempotent and audited once", async () => {
    const ticket = await openTicket(t, customer.token);
    ok(await t.gql(WATCH, { t: ticket.id }, agent.token), "watchTicket");
    ok(await t.gql(WATCH, { t: ticket.id }, agent.token), "watchTicket");
    ok(await t.gql(UNWATCH, { t: ticket.id }, agent.token), "unwatchTicket");
    ok(await t.gql(UNWATCH, { t: ticket.id }, agent.token), "unwatchTicket");
    const audit = await t.gql(
      `query($id: ID!) { auditEvents(first: 10, filter: { targetId: $id, actions: [TICKET_WATCHED, TICKET_UNWATCHED] }) { nodes { action actor { id } } } }`,
      { id: ticket.id },
      await t.adminToken(),
    );
    expect(ok(audit, "auditEvents").nodes.map((n: { action: string }) => n.action).sort()).toEqual(["TICKET_UNWATCHED", "TICKET_WATCHED"]);
  });

  it("refuses other customers' tickets as unknown, and anonymous callers", async () => {
    const ticket = await openTicket(t, customer.token);
    expect(code(await t.gql(WATCH, { t: ticket.id }, stranger.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(UNWATCH, { t: ticket.id }, stranger.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(WATCHERS, { id: ticket.id }, stranger.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(WATCH, { t: ticket.id }))).toBe("UNAUTHENTICATED");
    expect(code(await t.gql(WATCH, { t: "00000000-0000-7000-8000-000000000000" }, agent.token))).toBe("NOT_FOUND");
  });

  it("lets staff add and remove other agents, but not customers, and customers add nobody", async () => {
    const ticket = await openTicket(t, customer.token);
    const added = ok(await t.gql(WATCH, { t: ticket.id, u: otherAgent.id }, agent.token), "watchTicket");
    expect(ids(added.watchers)).toEqual([otherAgent.id]);
    expect(added.viewerIsWatching).toBe(false);
    const refused = await t.gql(WATCH, { t: ticket.id, u: customer.id }, agent.token);
    expect(code(refused)).toBe("BAD_USER_INPUT");
    expect(refused.errors![0]!.extensions!.field).toBe("userId");
    expect(code(await t.gql(WATCH, { t: ticket.id, u: agent.id }, customer.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(UNWATCH, { t: ticket.id, u: otherAgent.id }, customer.token))).toBe("FORBIDDEN");
    expect(ok(await t.gql(UNWATCH, { t: ticket.id, u: otherAgent.id }, agent.token), "unwatchTicket").watchers).toEqual([]);
  });

  it("moves watchers and CC addresses to another ticket for a merge, keeping each person once", async () => {
    const from = await openTicket(t, customer.token);
    const into = await openTicket(t, customer.token);
    ok(await t.gql(WATCH, { t: from.id }, agent.token), "watchTicket");
    ok(await t.gql(WATCH, { t: from.id }, otherAgent.token), "watchTicket");
    ok(await t.gql(WATCH, { t: into.id }, agent.token), "watchTicket");
    ok(await t.gql(ADD_CC, { t: from.id, e: "moved@example.com" }, agent.token), "addTicketCc");
    const em = t.server.services.orm.em.fork();
    const moved = await em.transactional((tx) => t.server.services.watchers.moveWatchers(tx, from.id, into.id));
    expect(moved).toBe(1);
    const target = ok(await t.gql(WATCHERS, { id: into.id }, agent.token), "ticket");
    expect(ids(target.watchers)).toEqual(ids([agent, otherAgent]));
    expect(target.ccs).toEqual([{ email: "moved@example.com" }]);
  });

  it("lists mentionable agents to staff only", async () => {
    const found = ok<{ id: string }[]>(await t.gql(MENTIONABLE, { s: "otto" }, agent.token), "mentionableAgents");
    expect(ids(found)).toEqual([otherAgent.id]);
    const everyone = ok<{ id: string }[]>(await t.gql(MENTIONABLE, {}, agent.token), "mentionableAgents");
    expect(everyone.map((u) => u.id)).not.toContain(customer.id);
    expect(code(await t.gql(MENTIONABLE, {}, customer.token))).toBe("FORBIDDEN");
  });
});

describe("watcher emails", () => {
  it("email staff watchers about public replies, internal notes and status changes, customers about public ones, never the author", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "Watched printer" });
    ok(await t.gql(WATCH, { t: ticket.id }, agent.token), "watchTicket");
    ok(await t.gql(WATCH, { t: ticket.id }, customer.token), "watchTicket");

    await comment(t, customer.token, ticket.id, "It still jams.");
    await comment(t, otherAgent.token, ticket.id, "Probably the roller.", true);
    await comment(t, agent.token, ticket.id, "Ordering a roller.", true);
    await transition(t, otherAgent.token, ticket.id, "IN_PROGRESS");

    const agentMails = (await mailsTo(t, agent.email)).filter((m) => m.kind === "TICKET_WATCHED_UPDATE" && m.subject.includes("Watched printer"));
    expect(agentMails).toHaveLength(3);
    expect(agentMails.some((m) => m.text!.includes("It still jams."))).toBe(true);
    expect(agentMails.some((m) => m.text!.includes("Probably the roller."))).toBe(true);
    expect(agentMails.some((m) => m.text!.includes("Ordering a roller."))).toBe(false); // their own note
    expect(agentMails.some((m) => m.text!.includes("moved from Open to In progress"))).toBe(true);

    const customerMails = (await mailsTo(t, customer.email)).filter((m) => m.kind === "TICKET_WATCHED_UPDATE");
    expect(customerMails).toHaveLength(1); // the status change: their own reply and the notes are not for them
    expect(customerMails[0]!.text).toContain("moved from Open to In progress");
    expect(JSON.stringify(await mailsTo(t, customer.email))).not.toContain("roller");
  });

  it("send the requester one email about an agent's reply, not a second as a watcher", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "No duplicates" });
    ok(await t.gql(WATCH, { t: ticket.id }, customer.token), "watchTicket");
    await comment(t, agent.token, ticket.id, "Here is the answer.");
    const mails = (await mailsTo(t, customer.email)).filter((m) => m.subject.includes("No duplicates") && m.text?.includes("Here is the answer."));
    expect(mails.map((m) => m.kind)).toEqual(["TICKET_REPLY"]);
  });

  it("respect the watched-tickets setting", async () => {
    const quiet = await t.createUser("AGENT", "Quiet Agent");
    ok(await t.gql(`mutation { updateNotificationPreferences(input: { watchedTickets: false }) { watchedTickets mentions } }`, {}, quiet.token), "updateNotificationPreferences");
    const ticket = await openTicket(t, customer.token);
    ok(await t.gql(WATCH, { t: ticket.id }, quiet.token), "watchTicket");
    await comment(t, customer.token, ticket.id, "Hello?");
    expect((await mailsTo(t, quiet.email)).filter((m) => m.kind.startsWith("TICKET_"))).toEqual([]);
  });
});
