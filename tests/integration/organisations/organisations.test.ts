import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { code, ok } from "../tickets/ticket-helpers.js";
import { ADD_MEMBER, addMember, CREATE_ORG, createOrganisation, DELETE_ORG, GET_ORG, LIST_ORGS, MY_ORGS, register, REMOVE_MEMBER, SET_ROLE, UPDATE_ORG } from "./organisation-helpers.js";

/** Organisation administration over HTTPS: admins write, agents read, customers see only their own memberships. */
let t: TestServer;
type User = Awaited<ReturnType<TestServer["createUser"]>>;
let admin: string;
let agent: User;
let customer: User;
let colleague: User;

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.adminToken();
  [agent, customer, colleague] = await Promise.all([t.createUser("AGENT"), t.createUser("CUSTOMER", "Cora Customer"), t.createUser("CUSTOMER", "Col League")]);
});
afterAll(() => t?.close());

const audit = async (targetId: string) =>
  ok(await t.gql(`query($id: ID!) { auditEvents(first: 20, filter: { targetId: $id }) { nodes { action details } } }`, { id: targetId }, admin), "auditEvents").nodes.map((n: any) => n.action).reverse(); // newest first

describe("organisations", () => {
  it("lets an admin create, rename, list, read and delete an organisation, audited", async () => {
    const org = ok(await t.gql(CREATE_ORG, { i: { name: "  Acme Corp ", emailDomains: ["@ACME.test", "acme.test", "acme-eu.test"], notes: "Key account" } }, admin), "createOrganisation");
    expect(org).toMatchObject({ name: "Acme Corp", notes: "Key account", emailDomains: ["acme-eu.test", "acme.test"], memberCount: 0, ticketCounts: { open: 0, total: 0 } });
    const renamed = ok(await t.gql(UPDATE_ORG, { id: org.id, i: { name: "Acme Corporation", emailDomains: ["acme.test"] } }, admin), "updateOrganisation");
    expect(renamed).toMatchObject({ name: "Acme Corporation", emailDomains: ["acme.test"] });
    ok(await t.gql(CREATE_ORG, { i: { name: "Globex" } }, admin), "createOrganisation");

    const found = ok(await t.gql(LIST_ORGS, { search: "acme" }, agent.token), "organisations");
    expect(found.nodes.map((n: any) => n.name)).toEqual(["Acme Corporation"]);
    const page = ok(await t.gql(LIST_ORGS, { first: 1 }, agent.token), "organisations");
    expect(page).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true }, nodes: [{ name: "Acme Corporation" }] });
    const next = ok(await t.gql(LIST_ORGS, { first: 1, after: page.pageInfo.endCursor }, agent.token), "organisations");
    expect(next.nodes.map((n: any) => n.name)).toEqual(["Globex"]);
    expect(ok(await t.gql(GET_ORG, { id: org.id }, agent.token), "organisation")).toMatchObject({ name: "Acme Corporation", notes: "Key account" });

    expect(ok(await t.gql(DELETE_ORG, { id: org.id }, admin), "deleteOrganisation")).toBe(org.id);
    expect(code(await t.gql(GET_ORG, { id: org.id }, admin))).toBe("NOT_FOUND");
    expect(await audit(org.id)).toEqual(["ORGANISATION_CREATED", "ORGANISATION_UPDATED", "ORGANISATION_DELETED"]);
  });

  it("manages members and managers: add, make manager, remove, each audited", async () => {
    const org = await createOrganisation(t, admin, { name: "Initech" });
    const added = await addMember(t, admin, org.id, customer.id);
    expect(added).toMatchObject({ role: "MEMBER", user: { id: customer.id }, organisation: { name: "Initech" } });
    await addMember(t, admin, org.id, colleague.id);
    expect(ok(await t.gql(SET_ROLE, { o: org.id, u: customer.id, r: "MANAGER" }, admin), "setOrganisationMemberRole")).toMatchObject({ role: "MANAGER" });
    const read = ok(await t.gql(GET_ORG, { id: org.id }, agent.token), "organisation");
    expect(read.members.map((m: any) => [m.user.id, m.role])).toEqual([
      [customer.id, "MANAGER"],
      [colleague.id, "MEMBER"],
    ]);
    expect(ok(await t.gql(MY_ORGS, {}, customer.token), "myOrganisations")).toEqual([{ role: "MANAGER", organisation: { id: org.id, name: "Initech" } }]);
    expect(ok(await t.gql(REMOVE_MEMBER, { o: org.id, u: colleague.id }, admin), "removeOrganisationMember")).toMatchObject({ memberCount: 1 });
    expect(await audit(org.id)).toEqual(["ORGANISATION_CREATED", "ORGANISATION_MEMBER_ADDED", "ORGANISATION_MEMBER_ADDED", "ORGANISATION_MEMBER_ROLE_CHANGED", "ORGANISATION_MEMBER_REMOVED"]);
  });

  it("refuses customers everything but their own memberships, and agents every change", async () => {
    const org = await createOrganisation(t, admin, { name: "Hooli" });
    const changes: [string, Record<string, unknown>][] = [
      [CREATE_ORG, { i: { name: "Mine" } }],
      [UPDATE_ORG, { id: org.id, i: { name: "Theirs" } }],
      [DELETE_ORG, { id: org.id }],
      [ADD_MEMBER, { o: org.id, u: customer.id }],
      [SET_ROLE, { o: org.id, u: customer.id, r: "MANAGER" }],
      [REMOVE_MEMBER, { o: org.id, u: customer.id }],
    ];
    for (const [doc, vars] of changes) {
      expect(code(await t.gql(doc, vars, agent.token))).toBe("FORBIDDEN");
      expect(code(await t.gql(doc, vars, customer.token))).toBe("FORBIDDEN");
      expect(code(await t.gql(doc, vars))).toBe("UNAUTHENTICATED");
    }
    expect(code(await t.gql(LIST_ORGS, {}, customer.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(GET_ORG, { id: org.id }, customer.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(`{ organisationStats { organisationId } }`, {}, customer.token))).toBe("FORBIDDEN");
    expect(ok(await t.gql(GET_ORG, { id: org.id }, admin), "organisation")).toMatchObject({ name: "Hooli" });
  });

  it("answers bad input with typed errors naming the field, writing nothing", async () => {
    const org = await createOrganisation(t, admin, { name: "Umbrella", emailDomains: ["umbrella.test"] });
    const bad = async (doc: string, vars: Record<string, unknown>) => (await t.gql(doc, vars, admin)).errors?.[0]?.extensions;
    expect(await bad(CREATE_ORG, { i: { name: " " } })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
    expect(await bad(CREATE_ORG, { i: { name: "Umbrella" } })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
    expect(await bad(CREATE_ORG, { i: { name: "Other", emailDomains: ["ok.test", "not a domain"] } })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.emailDomains.1" });
    expect(await bad(CREATE_ORG, { i: { name: "Other", emailDomains: ["umbrella.test"] } })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.emailDomains.0" });
    expect(await bad(UPDATE_ORG, { id: org.id, i: {} })).toMatchObject({ code: "BAD_USER_INPUT", field: "input" });
    expect(await bad(UPDATE_ORG, { id: "0190a7d4-0000-7000-8000-000000000000", i: { name: "X" } })).toMatchObject({ code: "NOT_FOUND" });
    expect(await bad(ADD_MEMBER, { o: org.id, u: agent.id })).toMatchObject({ code: "BAD_USER_INPUT", field: "userId" });
    await addMember(t, admin, org.id, customer.id);
    expect(await bad(ADD_MEMBER, { o: org.id, u: customer.id })).toMatchObject({ code: "BAD_USER_INPUT", field: "userId" });
    expect(await bad(SET_ROLE, { o: org.id, u: colleague.id, r: "MANAGER" })).toMatchObject({ code: "NOT_FOUND" });
    expect(await bad(REMOVE_MEMBER, { o: org.id, u: colleague.id })).toMatchObject({ code: "NOT_FOUND" });
    expect(ok(await t.gql(LIST_ORGS, { search: "Other" }, admin), "organisations").totalCount).toBe(0);
  });

  it("adds a new customer to the organisation that claims their email domain, and only customers", async () => {
    const org = await createOrganisation(t, admin, { name: "Stark Industries", emailDomains: ["stark.test"] });
    const tony = await register(t, "Tony@Stark.test", "Tony");
    const outsider = await register(t, "pepper@elsewhere.test", "Pepper");
    expect(ok(await t.gql(MY_ORGS, {}, tony.token), "myOrganisations")).toEqual([{ role: "MEMBER", organisation: { id: org.id, name: "Stark Industries" } }]);
    expect(ok(await t.gql(MY_ORGS, {}, outsider.token), "myOrganisations")).toEqual([]);
    const events = ok(await t.gql(`query($id: ID!) { auditEvents(first: 5, filter: { targetId: $id, actions: [ORGANISATION_MEMBER_ADDED] }) { nodes { actor { id } details } } }`, { id: org.id }, admin), "auditEvents");
    expect(events.nodes).toEqual([{ actor: null, details: { userId: tony.id, role: "MEMBER", automatic: true } }]);
  });
});
