import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";

/** In production, introspection and "Did you mean ...?" suggestions are for admins only. */
let t: TestServer;
let admin: string;
let customer: string;
let agent: string;
beforeAll(async () => {
  t = await startTestServer({ env: { NODE_ENV: "production", ALLOW_SELF_SIGNED_TLS: "true", ALLOW_GENERATED_KEYS: "true" } });
  admin = await t.adminToken();
  customer = (await t.createUser("CUSTOMER")).token;
  agent = (await t.createUser("AGENT")).token;
});
afterAll(() => t?.close());

const post = (query: string, token?: string) =>
  t.http<any>("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });

const INTROSPECTION = [
  `{ __schema { types { name } } }`,
  `{ __type(name: "User") { fields { name } } }`,
  `query { ...Sneaky } fragment Sneaky on Query { __schema { queryType { name } } }`,
  `query { me { id } ... on Query { __type(name: "Role") { enumValues { name } } } }`,
];

describe("introspection in production", () => {
  it("runs as production", () => {
    expect(t.server.services.config.production).toBe(true);
  });

  it.each(INTROSPECTION)("is FORBIDDEN to anonymous callers, customers and agents: %s", async (query) => {
    for (const token of [undefined, customer, agent]) {
      const res = await post(query, token);
      expect(res.status).toBe(403);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors[0].extensions.code).toBe("FORBIDDEN");
      expect(res.text).not.toMatch(/"fields"|"types"|enumValues":\[/);
    }
  });

  it("works for admins", async () => {
    const res = await post(INTROSPECTION[0]!, admin);
    expect(res.status).toBe(200);
    expect(res.body.data.__schema.types.map((type: { name: string }) => type.name)).toContain("User");
  });

  it("still answers __typename to anyone", async () => {
    expect((await post(`{ __typename }`)).body).toEqual({ data: { __typename: "Query" } });
  });
});

describe("validation messages in production", () => {
  // Each would confirm a guessed name or type that introspection hides.
  const PROBES = [
    [`{ lockedAccounts }`, /lockedAccounts/],
    [`{ users }`, /UserConnection/],
    [`{ mee { id } }`, /mee|Query/],
    [`mutation { setUserRole(userId: "x", role: ADMINN) { id } }`, /ADMINN|Role/],
    [`{ me { id secretField } }`, /secretField|User/],
  ] as const;

  it.each(PROBES)("tell non-admins only that the query does not match the schema, with its code and location: %s", async (query, revealing) => {
    for (const token of [undefined, customer, agent]) {
      const res = await post(query, token);
      expect(res.status).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
      for (const error of res.body.errors) {
        expect(error).toMatchObject({ message: "The query does not match the schema.", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
        expect(error.locations[0]).toEqual({ line: expect.any(Number), column: expect.any(Number) });
      }
      expect(res.text).not.toMatch(revealing);
      expect(res.text).not.toMatch(/Did you mean/);
    }
  });

  it("keep the full message, suggestions included, for admins", async () => {
    const res = await post(`{ mee { id } }`, admin);
    expect(res.body.errors[0].message).toMatch(/Cannot query field "mee" on type "Query". Did you mean "me"\?/);
    const users = await post(`{ users }`, admin);
    expect(users.body.errors[0].message).toBe('Field "users" of type "UserConnection!" must have a selection of subfields. Did you mean "users { ... }"?');
  });

  it("still state the query limits to everyone", async () => {
    const deep = `{ issue(id: "x") { ${"parent { ".repeat(10)}id${" }".repeat(10)} } }`;
    const res = await post(deep, customer);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: "Syntax Error: Query depth limit of 10 exceeded, found 12.", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }]);
  });
});

describe("errors in production", () => {
  it("never include a stack trace", async () => {
    const res = await post(`{ users(first: 0) { totalCount } }`, admin);
    expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(res.text).not.toMatch(/stacktrace|\.ts:\d+|\.js:\d+/);
  });
});
