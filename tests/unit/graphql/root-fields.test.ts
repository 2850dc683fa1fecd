import "reflect-metadata";
import type { GraphQLResolveInfo, GraphQLSchema } from "graphql";
import { allow } from "graphql-shield";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiScope, missingScope, Role, type Viewer } from "../../../src/core/identity.js";
import { moduleRules, permissions } from "../../../src/graphql/permissions.js";
import { derivePermissions, RootField, rootField, type ModuleRules } from "../../../src/graphql/root-fields.js";
import { compileRule } from "../../../src/graphql/rule-compiler.js";
import { isAdmin, isAuthenticated, requireScope } from "../../../src/graphql/rules.js";
import { buildBareSchema } from "../../../src/graphql/schema.js";
import { effectiveRule } from "../../../src/graphql/shield.js";
import { SIGN_IN_MUTATIONS } from "../../../src/graphql/rate-limit.plugin.js";

/**
 * Each root field is declared once, in its module's rules file, with its rule, its API-token
 * scope and its rate-limit budget; the shield tree, the scope table and the sign-in budget's
 * list are derived from those declarations (src/graphql/root-fields.ts).
 */
const ROOTS = ["Query", "Mutation", "Subscription"] as const;
const SCOPES: readonly string[] = Object.values(ApiScope);

const viewer = (scopes?: ApiScope[]): Viewer => ({ userId: "u", role: Role.ADMIN, sessionId: "s", scopes });
const verdict = (rule: Parameters<typeof compileRule>[0], v: Viewer | null) => compileRule(rule)!({}, {}, { viewer: v }, {} as GraphQLResolveInfo);

describe("the root-field declarations", () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildBareSchema();
  });

  const schemaFields = () => [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!].flatMap((root) => Object.keys(root.getFields()).map((f) => `${root.name}.${f}`));
  const declarations = () => moduleRules.flatMap((module) => ROOTS.flatMap((root) => Object.entries(module[root] ?? {}).map(([field, declared]) => ({ path: `${root}.${field}`, declared }))));

  it("declare every root field of the schema exactly once, and nothing else", () => {
    const counts = new Map<string, number>();
    for (const { path } of declarations()) counts.set(path, (counts.get(path) ?? 0) + 1);
    const fields = schemaFields();
    expect(fields.length).toBeGreaterThan(40);
    expect(fields.filter((f) => counts.get(f) !== 1)).toEqual([]);
    expect([...counts.keys()].filter((f) => !fields.includes(f))).toEqual([]);
    expect([...permissions.rootFields.keys()].sort()).toEqual([...fields].sort());
  });

  it("give each a rule, a scope requirement and a budget class", () => {
    const invalid = declarations().filter(({ declared }) => {
      const { rule, scope, budget } = declared as RootField;
      const validScope = scope === "any" || scope === "session" || (typeof scope === "string" ? SCOPES.includes(scope) : scope.length > 0 && scope.every((s) => SCOPES.includes(s)));
      return !(declared instanceof RootField) || !rule || !validScope || !["query", "signIn"].includes(budget);
    });
    expect(invalid.map((d) => d.path)).toEqual([]);
  });

  it("derive the sign-in budget's list: exactly the mutations declared signIn", () => {
    const declaredSignIn = declarations()
      .filter(({ declared }) => declared.budget === "signIn")
      .map(({ path }) => path);
    expect(declaredSignIn.every((p) => p.startsWith("Mutation."))).toBe(true);
    const names = declaredSignIn.map((p) => p.slice("Mutation.".length)).sort();
    expect([...SIGN_IN_MUTATIONS].filter((f) => f !== "__typename").sort()).toEqual(names);
    // The sign-in flows as they stand: review additions here (they bypass the caller's query budget).
    expect(names).toEqual(["acceptInvitation", "completeSignIn", "confirmTotpEnrolment", "finishPasskeyEnrolment", "login", "logout", "refreshToken", "register", "requestPasswordReset", "requestSignInLink", "resendVerification", "resetPassword", "signInWithLink", "startPasskeyRegistration", "startPasskeySignIn", "startTotpEnrolment", "verifyEmail"]);
  });

  it("derive the API-token scope table from the declarations", () => {
    for (const { path, declared } of declarations()) {
      const [type, field] = path.split(".") as [string, string];
      expect(permissions.scopeRequirementOf(type, field)).toBe(declared.scope);
    }
    // A field nobody declared is closed to API tokens (and denied to everyone by shield's fallback).
    expect(permissions.scopeRequirementOf("Query", "neverDeclared")).toBe("session");
    expect(effectiveRule(permissions.ruleTree, "Query", "neverDeclared")).toBeUndefined();
  });

  it("keep each derived root rule a synchronous check wherever the field's own rule is one", () => {
    const slow = declarations().filter(({ path, declared }) => {
      const [type, field] = path.split(".") as [string, string];
      return compileRule(declared.rule) && !declared.tokenCheck && !compileRule(effectiveRule(permissions.ruleTree, type, field)!);
    });
    expect(slow.map((d) => d.path)).toEqual([]);
  });

  it("leave public entry points exactly `allow`, so they get no wrapper", () => {
    expect(effectiveRule(permissions.ruleTree, "Mutation", "login")).toBe(allow);
    expect(effectiveRule(permissions.ruleTree, "Query", "me")).toBe(allow);
  });
});

describe("derivePermissions", () => {
  const derive = (...modules: ModuleRules[]) => derivePermissions(modules);

  it("adds the scope a token needs after the field's own rule", () => {
    const { ruleTree } = derive({ Query: { users: rootField({ rule: isAdmin, scope: ApiScope.ADMIN }) } });
    const rule = effectiveRule(ruleTree, "Query", "users")!;
    expect(verdict(rule, viewer())).toBe(true);
    expect(verdict(rule, viewer([ApiScope.ADMIN]))).toBe(true);
    expect((verdict(rule, viewer([ApiScope.TICKETS_READ])) as Error).message).toBe(missingScope(viewer([ApiScope.TICKETS_READ]), ApiScope.ADMIN));
    expect((verdict(rule, null) as { code?: string }).code).toBe("UNAUTHENTICATED");
  });

  it("needs every scope of a list, and keeps session-only fields from API tokens", () => {
    const { ruleTree } = derive({
      Mutation: {
        link: rootField({ rule: isAuthenticated, scope: [ApiScope.TICKETS_WRITE, ApiScope.ISSUES_WRITE] }),
        changePassword: rootField({ rule: isAuthenticated, scope: "session" }),
      },
    });
    const link = effectiveRule(ruleTree, "Mutation", "link")!;
    expect(verdict(link, viewer([ApiScope.TICKETS_WRITE]))).toBeInstanceOf(Error);
    expect(verdict(link, viewer([ApiScope.TICKETS_WRITE, ApiScope.ISSUES_WRITE]))).toBe(true);
    const changePassword = effectiveRule(ruleTree, "Mutation", "changePassword")!;
    expect(verdict(changePassword, viewer())).toBe(true);
    expect(verdict(changePassword, viewer(Object.values(ApiScope)))).toBeInstanceOf(Error);
  });

  it("keeps other types' rules as declared", () => {
    const { ruleTree, rootFields } = derive({ Query: { me: rootField({ rule: allow, scope: "any" }) }, User: { "*": allow, email: isAdmin } });
    expect(effectiveRule(ruleTree, "User", "name")).toBe(allow);
    expect(effectiveRule(ruleTree, "User", "email")).toBe(isAdmin);
    expect([...rootFields.keys()]).toEqual(["Query.me"]);
  });

  it("refuses a root field declared twice, or without rootField(), or a query on the sign-in budget", () => {
    const me = rootField({ rule: allow, scope: "any" });
    expect(() => derive({ Query: { me } }, { Query: { me } })).toThrow(/Query.me is declared twice/);
    expect(() => derive({ Query: { me: allow } } as unknown as ModuleRules)).toThrow(/rootField/);
    expect(() => derive({ Query: { me: rootField({ rule: allow, scope: "any", budget: "signIn" }) } })).toThrow(/sign-in budget/);
    expect(() => derive({ User: { email: me } })).toThrow(/root fields only/);
  });

  it("checks scopes with the same function as the plain-HTTP routes", () => {
    for (const scope of Object.values(ApiScope)) {
      for (const scopes of [undefined, [], [scope], Object.values(ApiScope).filter((s) => s !== scope)]) {
        const expected = missingScope(viewer(scopes), scope);
        const got = verdict(requireScope(scope), viewer(scopes));
        expect(got === true ? null : (got as Error).message).toBe(expected);
      }
    }
  });
});
