import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";

/**
 * Static limits (depth, aliases, directives, tokens) and the estimated cost. The defaults are
 * asserted in tests/unit/config.test.ts; this server lowers depth and cost so that the small
 * spine schema can reach them.
 */
const MAX_DEPTH = 4;
const MAX_COST = 1000;

let t: TestServer;
let admin: string;
beforeAll(async () => {
  t = await startTestServer({ env: { QUERY_MAX_DEPTH: String(MAX_DEPTH), QUERY_MAX_COST: String(MAX_COST) } });
  admin = await t.adminToken();
});
afterAll(() => t?.close());

const post = (query: string, variables: Record<string, unknown> = {}, token: string | null = admin) =>
  t.http<any>("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });

function expectRejected(res: Awaited<ReturnType<typeof post>>, code: string, message: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors[0].extensions.code).toBe(code);
  expect(res.body.errors[0].message).toMatch(message);
}

describe("static limits", () => {
  it("accepts a document at the depth limit and rejects one deeper", async () => {
    const ok = await post(`{ users(first: 1) { edges { node { id } } } }`);
    expect(ok.body.errors).toBeUndefined();
    expectRejected(await post(`{ auditEvents(first: 1) { edges { node { actor { id } } } } }`), "GRAPHQL_VALIDATION_FAILED", /depth limit of 4/);
  });

  it("cannot be fooled into more depth with fragments", async () => {
    const res = await post(`{ auditEvents(first: 1) { ...E } } fragment E on AuditEventConnection { edges { node { actor { id } } } }`);
    expectRejected(res, "GRAPHQL_VALIDATION_FAILED", /depth/);
  });

  it("allows 15 aliases and rejects 16", async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(" ")} }`;
    expect((await post(aliases(15))).body.errors).toBeUndefined();
    expectRejected(await post(aliases(16)), "GRAPHQL_VALIDATION_FAILED", /aliases/i);
  });

  it("rejects more than 50 directives", async () => {
    const directives = (n: number) => `{ ${Array.from({ length: n }, () => "__typename @include(if: true)").join(" ")} }`;
    expect((await post(directives(50))).body.errors).toBeUndefined();
    expectRejected(await post(directives(51)), "GRAPHQL_VALIDATION_FAILED", /directives limit of 50/i);
  });

  it("rejects a document of more than 3,000 tokens before parsing it further", async () => {
    const fields = Array.from({ length: 1600 }, () => "__typename").join(" ");
    const res = await post(`{ ${fields} ${fields} }`);
    expectRejected(res, "QUERY_TOO_LARGE", /more than 3000 tokens/);
    expect(res.body.errors[0].extensions.maxTokens).toBe(3000);
  });
});

describe("introspection depth", () => {
  it("lets Apollo Sandbox's introspection query (graphql-js's, 15 levels) through anonymously in development, though QUERY_MAX_DEPTH is 4", async () => {
    const full = getIntrospectionQuery({ descriptions: true, schemaDescription: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true });
    const res = await post(full, {}, null);
    expect(res.status, JSON.stringify(res.body.errors)).toBe(200);
    expect(res.body.data.__schema.types.map((type: { name: string }) => type.name)).toContain("Ticket");
  });

  it("rejects a 30-level __schema query, anonymous or admin", async () => {
    const deep = `{ __schema { types { fields { type { ${"ofType { ".repeat(25)}name${" }".repeat(25)} } } } } }`;
    for (const token of [null, admin]) {
      const res = await post(deep, {}, token);
      expectRejected(res, "GRAPHQL_VALIDATION_FAILED", /Introspection depth limit of 15 exceeded, found 30\./);
    }
  });
});

describe("estimated cost", () => {
  const PAGE = `users(first: $n) { totalCount edges { cursor node { id email displayName role createdAt } } nodes { id email role } }`;

  it("multiplies a list's selection by the page it asks for, and rejects what exceeds the budget", async () => {
    const cheap = await post(`query($n: Int) { ${PAGE} }`, { n: 10 });
    expect(cheap.body.errors).toBeUndefined();
    const expensive = await post(`query($n: Int) { ${PAGE} }`, { n: 100 });
    expectRejected(expensive, "QUERY_TOO_COMPLEX", /estimated cost \d+ exceeds the limit of 1000/);
    expect(expensive.body.errors[0].extensions).toMatchObject({ maxCost: MAX_COST, cost: expect.any(Number) });
    expect(expensive.body.errors[0].extensions.cost).toBeGreaterThan(MAX_COST);
  });

  it("adds up aliased lists", async () => {
    const query = `query($n: Int) { a: ${PAGE} b: ${PAGE} c: ${PAGE} }`;
    expect((await post(query, { n: 10 })).body.errors).toBeUndefined();
    expectRejected(await post(query, { n: 30 }), "QUERY_TOO_COMPLEX", /exceeds/);
  });

  it("charges a list without page arguments for the default page of 20 it returns", async () => {
    const unsized = PAGE.replace("(first: $n)", "");
    expect((await post(`{ a: ${unsized} b: ${unsized} c: ${unsized} }`)).body.errors).toBeUndefined();
    const res = await post(`{ a: ${unsized} b: ${unsized} c: ${unsized} d: ${unsized} }`);
    expectRejected(res, "QUERY_TOO_COMPLEX", /exceeds/);
    expect(res.body.errors[0].extensions.cost).toBe(4 * (1 + 20 * 13));
  });

  it("rejects before running anything, for anonymous callers too", async () => {
    expectRejected(await post(`query($n: Int) { ${PAGE} }`, { n: 100 }, null), "QUERY_TOO_COMPLEX", /exceeds/);
  });
});

describe("page sizes", () => {
  it.each([
    ["users", "first", 0],
    ["users", "first", 101],
    ["users", "first", -1],
    ["users", "last", 0],
    ["users", "last", 101],
    ["users", "last", -1],
    ["auditEvents", "first", 0],
    ["auditEvents", "first", 101],
    ["auditEvents", "last", -1],
  ])("%s(%s: %i) is BAD_USER_INPUT naming the argument", async (list, arg, n) => {
    const res = await t.gql(`query($n: Int) { ${list}(${arg}: $n) { totalCount } }`, { n }, admin);
    expect(res.data).toBeNull();
    expect(res.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
    expect(res.errors![0]!.extensions!.field).toBe(arg);
    expect(res.errors![0]!.message).toMatch(new RegExp(arg));
  });

  it("accepts 1 and 100", async () => {
    for (const n of [1, 100]) {
      const res = await t.gql(`query($n: Int) { users(first: $n) { nodes { id } } auditEvents(last: $n) { nodes { id } } }`, { n }, admin);
      expect(res.errors).toBeUndefined();
    }
  });

  it("refuses first and last together", async () => {
    const res = await t.gql(`{ users(first: 1, last: 1) { totalCount } }`, {}, admin);
    expect(res.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("refuses a cursor it did not issue", async () => {
    for (const after of ["garbage", Buffer.from('["email","x","y"]').toString("base64url"), Buffer.from("{}").toString("base64url"), "%%%"]) {
      const res = await t.gql(`query($a: String) { users(first: 1, after: $a) { totalCount } }`, { a: after }, admin);
      expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    }
  });

  it("refuses a page size of the wrong type or out of Int range as a malformed request", async () => {
    for (const [query, variables] of [
      [`{ users(first: "ten") { totalCount } }`, {}],
      [`{ users(first: 1.5) { totalCount } }`, {}],
      [`query($n: Int) { users(first: $n) { totalCount } }`, { n: "ten" }],
      [`query($n: Int) { users(first: $n) { totalCount } }`, { n: 2 ** 31 }],
    ] as const) {
      const res = await post(query, variables);
      expect(res.status).toBe(400);
      expect(["GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]).toContain(res.body.errors[0].extensions.code);
    }
  });
});
