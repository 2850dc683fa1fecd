import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { code, ok, openTicket } from "./ticket-helpers.js";

/** Agents find a customer and open a ticket on their behalf; customers cannot list anyone. */
let t: TestServer;
type User = Awaited<ReturnType<TestServer["createUser"]>>;
let admin: User;
let agent: User;
let customer: User;

const CUSTOMERS = `query($s: String) { customers(first: 10, search: $s) { totalCount nodes { id displayName email role } } }`;

beforeAll(async () => {
  t = await startTestServer();
  [admin, agent, customer] = await Promise.all([t.createUser("ADMIN"), t.createUser("AGENT", "Alex Agent"), t.createUser("CUSTOMER", "Priya Patel-Customer")]);
});
afterAll(() => t?.close());

describe("the customer directory", () => {
  it("lets agents and admins find active customers by name or email, and only customers", async () => {
    for (const token of [agent.token, admin.token]) {
      const found = ok(await t.gql(CUSTOMERS, { s: "patel-cust" }, token), "customers");
      expect(found.nodes).toEqual([{ id: customer.id, displayName: "Priya Patel-Customer", email: customer.email, role: "CUSTOMER" }]);
    }
    const byEmail = ok(await t.gql(CUSTOMERS, { s: customer.email.slice(0, 8) }, agent.token), "customers");
    expect(byEmail.nodes.map((n: any) => n.id)).toContain(customer.id);
    const everyone = ok(await t.gql(CUSTOMERS, {}, agent.token), "customers");
    expect(everyone.nodes.every((n: any) => n.role === "CUSTOMER")).toBe(true);
    expect(everyone.nodes.map((n: any) => n.id)).not.toContain(agent.id);
  });

  it("refuses customers and anonymous callers, and over-long searches", async () => {
    expect(code(await t.gql(CUSTOMERS, {}, customer.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(CUSTOMERS, {}))).toBe("UNAUTHENTICATED");
    expect(code(await t.gql(CUSTOMERS, { s: "x".repeat(101) }, agent.token))).toBe("BAD_USER_INPUT");
  });

  it("opens a ticket for the chosen customer, who then sees it as theirs", async () => {
    const ticket = await openTicket(t, agent.token, { subject: "Called in: cannot print", requesterId: customer.id });
    expect(ticket.requester.id).toBe(customer.id);
    const mine = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { id requester { id } } }`, { id: ticket.id }, customer.token), "ticket");
    expect(mine.requester.id).toBe(customer.id);
  });
});
