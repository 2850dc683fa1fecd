import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { code, comment, ok, openTicket, transition } from "../tickets/ticket-helpers.js";
import { ADD_CC, mailsTo, REMOVE_CC, WATCHERS } from "./support.js";

type User = { id: string; email: string; token: string };
let t: TestServer;
let agent: User;
let customer: User;
let stranger: User;

beforeAll(async () => {
  t = await startTestServer();
  agent = await t.createUser("AGENT", "Agent Cc");
  customer = await t.createUser("CUSTOMER", "Carla Customer");
  stranger = await t.createUser("CUSTOMER", "Sam Stranger");
});
afterAll(() => t?.close());

describe("CC on tickets", () => {
  it("lets staff and the requester copy addresses, lower-cased and once", async () => {
    const ticket = await openTicket(t, customer.token);
    ok(await t.gql(ADD_CC, { t: ticket.id, e: "  Boss@Example.com " }, agent.token), "addTicketCc");
    const added = ok(await t.gql(ADD_CC, { t: ticket.id, e: "colleague@example.com" }, customer.token), "addTicketCc");
    expect(added.ccs).toEqual([{ email: "boss@example.com" }, { email: "colleague@example.com" }]);
    expect(ok(await t.gql(ADD_CC, { t: ticket.id, e: "boss@example.com" }, agent.token), "addTicketCc").ccs).toHaveLength(2);
    expect(ok(await t.gql(WATCHERS, { id: ticket.id }, customer.token), "ticket").ccs).toHaveLength(2);
    expect(ok(await t.gql(REMOVE_CC, { t: ticket.id, e: "BOSS@example.com" }, customer.token), "removeTicketCc").ccs).toEqual([{ email: "colleague@example.com" }]);
  });

  it("refuses bad addresses, the requester's own, more than ten, strangers and closed tickets", async () => {
    const ticket = await openTicket(t, customer.token);
    for (const bad of ["not an address", "a@b", "", "x".repeat(250) + "@example.com"]) {
      const res = await t.gql(ADD_CC, { t: ticket.id, e: bad }, agent.token);
      expect(code(res), bad).toBe("BAD_USER_INPUT");
      expect(res.errors![0]!.extensions!.field).toBe("email");
    }
    expect(code(await t.gql(ADD_CC, { t: ticket.id, e: customer.email }, agent.token))).toBe("BAD_USER_INPUT");
    for (let i = 0; i < 10; i++) ok(await t.gql(ADD_CC, { t: ticket.id, e: `cc${i}@example.com` }, agent.token), "addTicketCc");
    const capped = await t.gql(ADD_CC, { t: ticket.id, e: "one-too-many@example.com" }, agent.token);
    expect(code(capped)).toBe("BAD_USER_INPUT");
    expect(capped.errors![0]!.extensions!.limit).toBe(10);
    expect(ok(await t.gql(WATCHERS, { id: ticket.id }, agent.token), "ticket").ccs).toHaveLength(10); // nothing half-written

    expect(code(await t.gql(ADD_CC, { t: ticket.id, e: "x@example.com" }, stranger.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(REMOVE_CC, { t: ticket.id, e: "cc1@example.com" }, stranger.token))).toBe("NOT_FOUND");
    expect(code(await t.gql(ADD_CC, { t: ticket.id, e: "x@example.com" }))).toBe("UNAUTHENTICATED");

    const closed = await openTicket(t, customer.token);
    await transition(t, agent.token, closed.id, "CLOSED");
    expect(code(await t.gql(ADD_CC, { t: closed.id, e: "late@example.com" }, agent.token))).toBe("FORBIDDEN");
  });

  it("emails public replies to CC'd addresses in the ticket's thread, never internal notes", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "Copied people" });
    ok(await t.gql(ADD_CC, { t: ticket.id, e: "watcher.cc@example.com" }, customer.token), "addTicketCc");
    await comment(t, agent.token, ticket.id, "Secret: the customer is wrong.", true);
    await comment(t, agent.token, ticket.id, "We replaced the toner.");
    await comment(t, customer.token, ticket.id, "Thanks, it prints.");

    const mails = await mailsTo(t, "watcher.cc@example.com");
    expect(mails.map((m) => m.kind)).toEqual(["TICKET_CC_REPLY", "TICKET_CC_REPLY"]);
    expect(mails.map((m) => m.subject)).toEqual([`[#${ticket.number}] Re: Copied people`, `[#${ticket.number}] Re: Copied people`]);
    expect(mails.some((m) => m.text!.includes("We replaced the toner."))).toBe(true);
    expect(mails.some((m) => m.text!.includes("Thanks, it prints."))).toBe(true);
    expect(JSON.stringify(mails)).not.toContain("Secret");
    for (const m of mails) expect(m.messageId).toMatch(new RegExp(`^<ticket-${ticket.id}\\.[0-9a-f-]+@`));
  });
});
