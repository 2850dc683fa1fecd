import "reflect-metadata";
import { buildSchema as buildSdlSchema, graphql, isIntrospectionType, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from "graphql";
import { rule } from "graphql-shield";
import { buildSchema, Query, Resolver } from "type-graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allow, isAdmin, isAuthenticated } from "../../../src/graphql/rules.js";
import { buildBareSchema, NO_TOPICS, resolvers as moduleResolvers, ruleTree } from "../../../src/graphql/schema.js";
import { applyPermissions, effectiveRule } from "../../../src/graphql/shield.js";
import { compileRule, type Check } from "../../../src/graphql/rule-compiler.js";
import { ApiScope } from "../../../src/modules/api-tokens/api-scope.js";
import { ForbiddenError } from "../../../src/core/errors.js";
import { ADMIN_EMAIL, startTestServer, type TestServer } from "../../support/server.js";

/**
 * graphql-shield guards the whole schema with `fallbackRule: deny`. The walk below proves no
 * field relies on that fallback (every field has an explicit rule), and the fallback itself is
 * shown to deny, so a field someone forgets to rule is closed rather than open.
 */
describe("the rule tree", () => {
  let bare: GraphQLSchema;
  beforeAll(async () => {
    bare = await buildBareSchema();
  });

  it("gives every field of every object type an explicit rule", () => {
    const unruled: string[] = [];
    let checked = 0;
    for (const type of Object.values(bare.getTypeMap())) {
      if (!isObjectType(type) || isIntrospectionType(type)) continue;
      for (const field of Object.keys(type.getFields())) {
        checked++;
        if (effectiveRule(ruleTree, type.name, field) === undefined) unruled.push(`${type.name}.${field}`);
      }
    }
    expect(unruled).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it("rules only types and fields that exist (no stale rules)", () => {
    const stale: string[] = [];
    for (const [typeName, rules] of Object.entries(ruleTree)) {
      const type = bare.getType(typeName);
      if (!type || !isObjectType(type)) {
        stale.push(typeName);
        continue;
      }
      if (typeof rules !== "object" || "resolve" in rules) continue;
      for (const field of Object.keys(rules)) if (field !== "*" && !(field in type.getFields())) stale.push(`${typeName}.${field}`);
    }
    expect(stale).toEqual([]);
  });

  it("guards every root field with a real rule, except the documented public entry points", () => {
    const open: string[] = [];
    for (const root of [bare.getQueryType(), bare.getMutationType()]) {
      for (const field of Object.keys(root!.getFields())) if (effectiveRule(ruleTree, root!.name, field) === allow) open.push(`${root!.name}.${field}`);
    }
    // Anything added here must be deliberate: review it in the pull request that adds it.
    expect(open.filter((f) => !PUBLIC_ROOT_FIELDS.includes(f))).toEqual([]);
  });

  /**
   * Root fields get their API-token scope from their rootField() declaration. A field below the root is
   * reached through whatever area a token opens (a ticket's requester is a User), so a field
   * that checks a role must check the matching scope itself: an admin's `tickets:read` token
   * must not read what only `users` (scope `admin`) shows. Each rule runs as sessions and as
   * API tokens of the same owner, on a parent that is not the viewer.
   */
  it("makes every role-restricted field below the root need its scope from API tokens too", () => {
    const everyScopeBut = (scope: ApiScope) => Object.values(ApiScope).filter((s) => s !== scope);
    const passes = (check: Check, role: string, scopes?: ApiScope[]) =>
      check({ id: "someone-else" }, {}, { viewer: { userId: "viewer", role, sessionId: "s", scopes } }, {} as GraphQLResolveInfo) === true;
    const uncompiled: string[] = [];
    const adminOnly: string[] = [];
    const adminOnlyWithoutAdminScope: string[] = [];
    const staffOnlyWithoutScope: string[] = [];
    for (const type of Object.values(bare.getTypeMap())) {
      if (!isObjectType(type) || isIntrospectionType(type) || ["Query", "Mutation", "Subscription"].includes(type.name)) continue;
      for (const field of Object.keys(type.getFields())) {
        const path = `${type.name}.${field}`;
        const check = compileRule(effectiveRule(ruleTree, type.name, field)!);
        if (!check) {
          uncompiled.push(path);
          continue;
        }
        if (passes(check, "ADMIN") && !passes(check, "AGENT")) {
          adminOnly.push(path);
          if (passes(check, "ADMIN", everyScopeBut(ApiScope.ADMIN))) adminOnlyWithoutAdminScope.push(path);
        }
        if (passes(check, "AGENT") && !passes(check, "CUSTOMER") && Object.values(ApiScope).every((s) => passes(check, "AGENT", [s]))) staffOnlyWithoutScope.push(path);
      }
    }
    // Rules below the root are synchronous predicates (shield.ts runs them without its middleware).
    expect(uncompiled).toEqual([]);
    expect(adminOnly).toEqual(expect.arrayContaining(["User.failedLoginCount", "User.lastLoginAt", "User.locked", "User.lockedUntil"]));
    expect(adminOnlyWithoutAdminScope).toEqual([]);
    // Staff-only fields open to every scope must be deliberate: review additions here.
    expect(staffOnlyWithoutScope.sort()).toEqual([...STAFF_FIELDS_OF_EVERY_AREA].sort());
  });
});

describe("the fallback rule", () => {
  const sdl = `type Query { open: String, guarded: String, forgotten: String, child: Child } type Child { ruled: String, forgotten: String }`;
  const resolvers = { open: () => "open", guarded: () => "guarded", forgotten: () => "leaked", child: () => ({ ruled: "ruled", forgotten: "leaked" }) };
  const run = (schema: GraphQLSchema, query: string, role: string | null = null) =>
    graphql({ schema, source: query, rootValue: resolvers, contextValue: { viewer: role ? { userId: "u", role, sessionId: "s" } : null } });

  const guardedSchema = () =>
    applyPermissions(buildSdlSchema(sdl), {
      Query: { open: allow, guarded: isAdmin, child: isAuthenticated },
      Child: { ruled: allow },
    });

  it("denies a root field nobody ruled on with FORBIDDEN, for every caller", async () => {
    for (const role of [null, "CUSTOMER", "ADMIN"]) {
      const res = await run(guardedSchema(), `{ forgotten }`, role);
      expect(res.data).toEqual({ forgotten: null });
      expect(res.errors![0]!.originalError).toBeInstanceOf(ForbiddenError);
    }
  });

  it("denies an unruled field of a nested type while its ruled siblings answer", async () => {
    const res = await run(guardedSchema(), `{ child { ruled forgotten } }`, "CUSTOMER");
    expect(res.data).toEqual({ child: { ruled: "ruled", forgotten: null } });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(["child", "forgotten"]);
    expect(res.errors![0]!.originalError).toBeInstanceOf(ForbiddenError);
  });

  it("applies the explicit rules: allow, UNAUTHENTICATED and FORBIDDEN", async () => {
    expect((await run(guardedSchema(), `{ open }`)).data).toEqual({ open: "open" });
    const anonymous = await run(guardedSchema(), `{ guarded }`);
    expect((anonymous.errors![0]!.originalError as ForbiddenError).code).toBe("UNAUTHENTICATED");
    const customer = await run(guardedSchema(), `{ guarded }`, "CUSTOMER");
    expect((customer.errors![0]!.originalError as ForbiddenError).code).toBe("FORBIDDEN");
    expect((await run(guardedSchema(), `{ guarded }`, "ADMIN")).data).toEqual({ guarded: "guarded" });
  });

  it("denies a field whose rule throws unexpectedly", async () => {
    const broken = rule()(() => {
      throw new Error("database down");
    });
    const schema = applyPermissions(buildSdlSchema(sdl), { Query: { open: broken } });
    const res = await run(schema, `{ open }`, "ADMIN");
    expect(res.data).toEqual({ open: null });
    expect(res.errors![0]!.message).not.toContain("database down");
  });

  it("keeps the real schema closed: a field added without a rule answers FORBIDDEN", async () => {
    // The server's own assembly (type-graphql resolvers + ruleTree + applyPermissions), plus one
    // resolver whose field nobody ruled on.
    @Resolver()
    class ForgottenResolver {
      @Query(() => String, { nullable: true, description: "A field someone forgot to add to a rule tree." })
      unruledExtra(): string {
        return "leaked";
      }
    }
    const bareWithExtra = await buildSchema({ resolvers: [...moduleResolvers, ForgottenResolver], validate: false, pubSub: NO_TOPICS });
    const schema = applyPermissions(bareWithExtra, ruleTree);
    for (const role of [null, "CUSTOMER", "ADMIN"]) {
      const res = await graphql({
        schema,
        source: `{ unruledExtra }`,
        contextValue: { viewer: role ? { userId: "u", role, sessionId: "s" } : null },
      });
      expect(res.data).toEqual({ unruledExtra: null });
      expect((res.errors![0]!.originalError as ForbiddenError).code).toBe("FORBIDDEN");
    }
  });
});

describe("over HTTP", () => {
  let t: TestServer;
  let customer: { id: string; token: string; email: string };
  let agent: { id: string; token: string };
  let admin: string;
  beforeAll(async () => {
    t = await startTestServer();
    customer = await t.createUser("CUSTOMER");
    agent = await t.createUser("AGENT");
    admin = await t.adminToken();
  });
  afterAll(() => t?.close());

  const ADMIN_ONLY: [string, string, () => Record<string, unknown>][] = [
    ["users", `{ users(first: 1) { totalCount } }`, () => ({})],
    ["user", `query($id: ID!) { user(id: $id) { id } }`, () => ({ id: customer.id })],
    ["auditEvents", `{ auditEvents(first: 1) { totalCount } }`, () => ({})],
    ["setUserRole", `mutation($id: ID!) { setUserRole(userId: $id, role: ADMIN) { id } }`, () => ({ id: customer.id })],
    ["unlockUser", `mutation($id: ID!) { unlockUser(userId: $id) { id } }`, () => ({ id: customer.id })],
    ["deactivateUser", `mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, () => ({ id: customer.id })],
  ];

  it.each(ADMIN_ONLY)("%s: UNAUTHENTICATED without a token, FORBIDDEN for customers and agents", async (_name, query, vars) => {
    const anonymous = await t.gql(query, vars());
    expect(anonymous.errors![0]!.extensions).toEqual({ code: "UNAUTHENTICATED" });
    for (const token of [customer.token, agent.token]) {
      const res = await t.gql(query, vars(), token);
      expect(res.errors![0]!.extensions).toEqual({ code: "FORBIDDEN" });
      expect(res.errors![0]!.message).toMatch(/admins/i);
    }
    // Nothing happened: the customer is still a customer and active.
    const me = await t.gql(`{ me { role deactivatedAt } }`, {}, customer.token);
    expect(me.data!.me).toEqual({ role: "CUSTOMER", deactivatedAt: null });
  });

  it("says why a presented token was refused", async () => {
    const res = await t.gql(`{ users(first: 1) { totalCount } }`, {}, "x".repeat(20));
    expect(res.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect(res.errors![0]!.message).toMatch(/invalid or expired/);
  });

  it("shows a user their own private fields, and admins everyone's", async () => {
    const own = await t.gql(`{ me { id email lastLoginAt lockedUntil locked deactivatedAt } }`, {}, customer.token);
    expect(own.errors).toBeUndefined();
    expect(own.data!.me.email).toBe(customer.email);
    const ownAdminOnly = await t.gql(`{ me { failedLoginCount } }`, {}, customer.token);
    expect(ownAdminOnly.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const byAdmin = await t.gql(`query($id: ID!) { user(id: $id) { email failedLoginCount locked } }`, { id: customer.id }, admin);
    expect(byAdmin.data!.user).toEqual({ email: customer.email, failedLoginCount: 0, locked: false });
  });

  it("lets a sign-in return the signed-in user's own fields, even with another account's token still attached", async () => {
    const res = await t.gql(
      `mutation($i: LoginInput!) { login(input: $i) { user { id email lastLoginAt } } }`,
      { i: { email: ADMIN_EMAIL, password: "the boss passphrase for tests 1" } },
      customer.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.login.user.email).toBe(ADMIN_EMAIL);
  });

  it("passes business errors through with their codes", async () => {
    const missing = await t.gql(`mutation($id: ID!) { setUserRole(userId: $id, role: AGENT) { id } }`, { id: "0190a0a0-0000-7000-8000-000000000000" }, admin);
    expect(missing.errors![0]!.extensions!.code).toBe("NOT_FOUND");
    const me = (await t.gql(`{ me { id } }`, {}, admin)).data!.me.id;
    const self = await t.gql(`mutation($id: ID!) { setUserRole(userId: $id, role: AGENT) { id } }`, { id: me }, admin);
    expect(self.errors![0]!.extensions!.code).toBe("CONFLICT");
  });
});

/** Root fields anyone may call; each is rate-limited or needs a credential checked in its service. */
const PUBLIC_ROOT_FIELDS = [
  "Query.me",
  "Query.rateLimit", // the caller's own budget, anonymous callers have one too
  "Mutation.register",
  "Mutation.login",
  "Mutation.refreshToken",
  "Mutation.logout",
  // account flows: each proves itself with a token from an email
  "Mutation.requestPasswordReset",
  "Mutation.resetPassword",
  "Mutation.requestSignInLink",
  "Mutation.signInWithLink",
  "Mutation.verifyEmail",
  // the second sign-in step: each proves itself with a challenge token from the first
  "Mutation.completeSignIn",
  "Mutation.startPasskeySignIn", // passwordless: the passkey's signature proves who signs in
  // invitations: the emailed token is the credential; the providers list is what the sign-in page shows
  "Query.invitation",
  "Query.signInProviders",
  "Mutation.acceptInvitation",
];

/**
 * Staff-only fields below the root that any API-token scope may read: a user's contact details,
 * which staff see wherever they meet the user (a ticket's requester, an issue's reporter; the
 * CSV export has requester emails with `tickets:read`).
 */
const STAFF_FIELDS_OF_EVERY_AREA = ["User.email", "User.deactivatedAt"];
