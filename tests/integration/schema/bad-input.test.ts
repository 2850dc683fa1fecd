import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";
import { rawRequest } from "../server/raw-https.js";
import { CREATE_TICKET } from "../tickets/ticket-helpers.js";

/**
 * Whatever arrives, the answer is a typed error a client can act on: never a 500, a stack
 * trace, SQL, or a half-written change.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const send = (body: string | object, headers: Record<string, string> = {}) =>
  t.http<any>("/graphql", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

function expectClean(res: Awaited<ReturnType<typeof send>>) {
  expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
  expect(res.text).not.toMatch(/stacktrace|\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|select |insert |INTERNAL_SERVER_ERROR/i);
}

const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
const validRegistration = () => ({ email: `bad.input.${Date.now()}.${Math.random().toString(36).slice(2, 6)}@example.test`, password: DEFAULT_PASSWORD, displayName: "Bad Input" });

describe("malformed GraphQL requests", () => {
  it.each([
    ["a syntax error", { query: "{ me { id }" }, "GRAPHQL_PARSE_FAILED"],
    ["an unknown field", { query: "{ me { id passwordHash } }" }, "GRAPHQL_VALIDATION_FAILED"],
    ["an unknown operation name", { query: "query A { me { id } }", operationName: "B" }, "OPERATION_RESOLUTION_FAILURE"],
    ["two operations and no name", { query: "query A { me { id } } query B { me { id } }" }, "OPERATION_RESOLUTION_FAILURE"],
    ["a query that is not a string", { query: 42 }, "BAD_REQUEST"],
    ["no query at all", { variables: {} }, "BAD_REQUEST"],
    ["variables that are not an object", { query: "{ me { id } }", variables: "x" }, "BAD_REQUEST"],
    ["an empty query", { query: "" }, "BAD_REQUEST"],
    ["a subscription (they run over WebSocket)", { query: "subscription { myTicketEvents { id } }" }, "BAD_REQUEST"],
  ])("%s: 400 with a code", async (_name, body, code) => {
    const res = await send(body);
    expectClean(res);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe(code);
  });

  it("refuses a mutation over GET", async () => {
    const res = await t.http<any>(`/graphql?query=${encodeURIComponent("mutation { logout }")}`, { headers: { "apollo-require-preflight": "1" } });
    expectClean(res);
    expect(res.status).toBe(405);
  });

  it("refuses JSON with a __proto__ key", async () => {
    const res = await send('{"query":"{ me { id } }","variables":{"__proto__":{"admin":true}}}');
    expectClean(res);
    expect(res.status).toBe(400);
  });

  it("copes with deeply nested JSON", async () => {
    const depth = 100_000;
    const res = await send(`{"query":"{ me { id } }","variables":{"x":${"[".repeat(depth)}${"]".repeat(depth)}}}`);
    expectClean(res);
  });

  it("refuses oversized headers", async () => {
    // Its own connection: the server closes it after a 431.
    const res = await rawRequest(`${t.url}/graphql`, t.ca, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${"a".repeat(20_000)}` }, body: '{"query":"{ me { id } }"}' });
    expect(res.status).toBe(431);
  });
});

describe("wrong types and missing fields", () => {
  it.each([
    ["a number for the email", { ...validRegistration(), email: 42 }],
    ["a missing password", { email: "x@example.test", displayName: "X" }],
    ["a null display name", { ...validRegistration(), displayName: null }],
    ["an unknown input field", { ...validRegistration(), role: "ADMIN" }],
    ["an object for the password", { ...validRegistration(), password: { length: 20 } }],
    ["a list for the email", { ...validRegistration(), email: ["a@example.test"] }],
  ])("%s: 400 BAD_USER_INPUT naming the variable", async (_name, input) => {
    const res = await send({ query: REGISTER, variables: { i: input } });
    expectClean(res);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(res.body.errors[0].message).toMatch(/\$i/);
  });

  it("rejects a literal of the wrong type in the document", async () => {
    const res = await send({ query: `mutation { register(input: { email: 42, password: "x", displayName: "y" }) { accessToken } }` });
    expectClean(res);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("registration input", () => {
  it.each([
    ["no at sign", { email: "not-an-email" }, "input.email"],
    ["a 300-character email", { email: `${"a".repeat(290)}@example.test` }, "input.email"],
    ["a control character in the email", { email: "ann\u0007ie@example.test" }, "input.email"], // a NUL is refused before: see "text that cannot be stored"
    ["a line break in the email", { email: "annie@example.test\nbcc: everyone@example.test" }, "input.email"],
    ["an empty display name", { displayName: "   " }, "input.displayName"],
    ["a 101-character display name", { displayName: "n".repeat(101) }, "input.displayName"],
    ["a right-to-left override in the display name", { displayName: "Admin\u202Enimda" }, "input.displayName"],
    ["a NUL in the display name", { displayName: "Bob\u0000" }, "input.displayName"],
  ])("refuses %s, naming the field, and creates nothing", async (_name, change, field) => {
    const input = { ...validRegistration(), ...change };
    const res = await send({ query: REGISTER, variables: { i: input } });
    expectClean(res);
    expect(res.body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    const login = await t.gql(LOGIN, { i: { email: input.email, password: input.password } });
    expect(login.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
  });

  it("answers two simultaneous registrations of one email with one account and one CONFLICT", async () => {
    const input = validRegistration();
    const results = await Promise.all([t.gql(REGISTER, { i: input }), t.gql(REGISTER, { i: { ...input, email: input.email.toUpperCase() } })]);
    const codes = results.map((r) => r.errors?.[0]?.extensions?.code ?? "OK").sort();
    expect(codes).toEqual(["CONFLICT", "OK"]);
  });
});

describe("sign-in input", () => {
  it("answers a huge email like any unknown account", async () => {
    const res = await t.gql(LOGIN, { i: { email: `${"e".repeat(500_000)}@example.test`, password: "whatever passphrase" } });
    expect(res.errors![0]!.extensions).toEqual({ code: "UNAUTHENTICATED" });
  });

  it("answers an empty email and password like wrong credentials", async () => {
    const res = await t.gql(LOGIN, { i: { email: "", password: "" } });
    expect(res.errors![0]!.extensions).toEqual({ code: "UNAUTHENTICATED" });
  });
});

describe("text that cannot be stored", () => {
  const auditRows = async () => {
    const [row] = await t.server.services.orm.em.fork().getConnection().execute<{ n: number }[]>("select count(*) as n from audit_events");
    return Number(row!.n);
  };
  const refused = (res: Awaited<ReturnType<typeof send>>, field: string) => {
    expectClean(res);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", field });
    expect(res.body.data).toBeUndefined();
  };

  it("refuses a lone surrogate in an anonymous sign-in's email, and records nothing", async () => {
    const before = await auditRows();
    refused(await send({ query: LOGIN, variables: { i: { email: "nobody\ud800@example.com", password: "x" } } }), "input.email");
    expect(await auditRows()).toBe(before);
  });

  it("refuses a lone surrogate escaped in the document as a syntax error", async () => {
    const res = await send({ query: String.raw`mutation { login(input: { email: "nobody\ud800@example.com", password: "x" }) { accessToken } }` });
    expectClean(res);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("refuses a NUL in a variable, naming the argument it is passed to", async () => {
    const before = await auditRows();
    refused(await send({ query: LOGIN, variables: { i: { email: "a\u0000@x.com", password: "x" } } }), "input.email");
    refused(await send({ query: `query($s: String) { users(first: 5, filter: { search: $s }) { totalCount } }`, variables: { s: "a\u0000b" } }), "filter.search");
    expect(await auditRows()).toBe(before);
  });

  it("refuses a NUL however deep in the variables", async () => {
    const variables = { i: { email: "a@x.com", password: "x" }, extra: [{ deep: ["fine", "not\u0000fine"] }] };
    refused(await send({ query: LOGIN, variables }), "extra.0.deep.1");
  });

  it("refuses a NUL in a string literal of the document", async () => {
    const before = await auditRows();
    refused(await send({ query: String.raw`mutation { login(input: { email: "a\u0000@x.com", password: "x" }) { accessToken } }` }), "input.email");
    refused(await send({ query: String.raw`{ ticket(id: "x\u0000") { id } }` }), "id");
    refused(await send({ query: `query($s: String = "a\\u0000") { users(first: 5, filter: { search: $s }) { totalCount } }` }), "s");
    expect(await auditRows()).toBe(before);
  });

  it("refuses a NUL in a signed-in user's new ticket, and opens none", async () => {
    const customer = await t.createUser();
    const list = `{ tickets(first: 5) { totalCount } }`;
    refused(await send({ query: CREATE_TICKET, variables: { i: { subject: "Jammed\u0000", description: "x" } } }, { authorization: `Bearer ${customer.token}` }), "input.subject");
    expect((await t.gql(list, {}, customer.token)).data!.tickets.totalCount).toBe(0);
  });

  it("keeps emoji, whole surrogate pairs, intact", async () => {
    const customer = await t.createUser();
    const created = await t.gql(CREATE_TICKET, { i: { subject: "Party 🎉 printer", description: "It prints 🎉 only", category: "🎉" } }, customer.token);
    expect(created.errors).toBeUndefined();
    const literal = await t.gql(String.raw`mutation { createTicket(input: { subject: "Escaped \ud83c\udf89", description: "x" }) { id } }`, {}, customer.token);
    expect(literal.errors).toBeUndefined();
    const read = await t.gql(`query($id: ID!) { ticket(id: $id) { subject description category } }`, { id: created.data!.createTicket.id }, customer.token);
    expect(read.data!.ticket).toEqual({ subject: "Party 🎉 printer", description: "It prints 🎉 only", category: "🎉" });
    const escaped = await t.gql(`query($id: ID!) { ticket(id: $id) { subject } }`, { id: literal.data!.createTicket.id }, customer.token);
    expect(escaped.data!.ticket.subject).toBe("Escaped 🎉");

    const before = await auditRows();
    const login = await t.gql(LOGIN, { i: { email: "party🎉@example.com", password: "x" } });
    expect(login.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED"); // judged, and audited, like any unknown email
    expect(await auditRows()).toBe(before + 1);
  });
});
