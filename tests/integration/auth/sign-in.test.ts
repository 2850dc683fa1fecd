import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe("registration and sign-in", () => {
  it("registers a customer, who can read their own account", async () => {
    const res = await t.gql(REGISTER, { i: { email: "  New.Person@Example.TEST ", password: DEFAULT_PASSWORD, displayName: "New Person" } });
    expect(res.errors).toBeUndefined();
    const payload = res.data!.register;
    expect(payload.user).toMatchObject({ email: "new.person@example.test", role: "CUSTOMER", displayName: "New Person" });
    expect(payload.expiresIn).toBe(900);
    expect(payload.refreshToken).toMatch(/^hd_rt_[A-Za-z0-9_-]{43}$/);
    const me = await t.gql(`{ me { email role } }`, {}, payload.accessToken);
    expect(me.data!.me).toEqual({ email: "new.person@example.test", role: "CUSTOMER" });
  });

  it("treats emails case-insensitively and refuses a second account for the same address", async () => {
    const res = await t.gql(REGISTER, { i: { email: "NEW.person@example.test", password: DEFAULT_PASSWORD, displayName: "Dup" } });
    expect(res.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  });

  it("signs in with any casing of the email", async () => {
    const res = await t.gql(LOGIN, { i: { email: "New.Person@example.test", password: DEFAULT_PASSWORD } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.login.user.email).toBe("new.person@example.test");
  });

  it("answers a wrong password and an unknown email with the same error", async () => {
    const wrong = await t.gql(LOGIN, { i: { email: "new.person@example.test", password: "not the password at all" } });
    const unknown = await t.gql(LOGIN, { i: { email: "nobody@example.test", password: "not the password at all" } });
    expect(wrong.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED" });
    expect(unknown.errors?.[0]).toEqual(wrong.errors?.[0]);
  });

  it("signs one account in from many places at once: every sign-in gets its own session", async () => {
    const user = await t.createUser();
    const results = await Promise.all(Array.from({ length: 4 }, () => t.gql(LOGIN, { i: { email: user.email, password: DEFAULT_PASSWORD } })));
    for (const res of results) expect(res.errors).toBeUndefined();
    expect(new Set(results.map((res) => res.data!.login.refreshToken)).size).toBe(4);
  });

  it("records the sign-in on the account and opens its session in 10 statements: the account, then one transaction", async () => {
    const user = await t.createUser();
    const before = Date.now();
    const res = await t.http<{ data: any; errors?: unknown }>("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `mutation($i: LoginInput!) { login(input: $i) { accessToken user { id lastLoginAt } } }`, variables: { i: { email: user.email, password: DEFAULT_PASSWORD } } }),
    });
    expect(res.body.errors).toBeUndefined();
    // select the user; begin; whether a second factor or the role's policy applies (one select); update
    // the user; insert the session, its refresh token, the audit event; login.succeeded: raise the
    // position counter (which answers its new value), insert the event; commit
    expect(Number(res.headers["x-sql-statements"])).toBe(10);
    const signedIn = res.body.data.login;
    expect(Date.parse(signedIn.user.lastLoginAt)).toBeGreaterThanOrEqual(before - 1000);
    const me = await t.gql(`{ me { lastLoginAt } }`, {}, signedIn.accessToken);
    expect(me.data!.me.lastLoginAt).toBe(signedIn.user.lastLoginAt);
  });

  it("returns null for me without a token and UNAUTHENTICATED for a forged one", async () => {
    expect((await t.gql(`{ me { id } }`)).data!.me).toBeNull();
    const forged = await t.gql(`{ users(first: 1) { totalCount } }`, {}, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
    expect(forged.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken expiresIn user { id email role displayName } } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken user { id email } } }`;
