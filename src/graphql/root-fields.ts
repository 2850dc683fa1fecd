import { and } from "graphql-shield";
import type { ApiScope } from "../core/identity.js";
import type { BudgetKind } from "../modules/rate-limit/query-budget.js";
import type { ShieldRule } from "./rule-compiler.js";
import { isNotApiToken, requireScope } from "./rules.js";
import { mergeRuleTrees, type RuleTree } from "./shield.js";

/** "any": no scope needed (anonymous flows, identity); "session": not for API tokens; else the scopes needed (all of them). */
export type ScopeRequirement = "any" | "session" | ApiScope | readonly ApiScope[];

/**
 * Everything the server decides about a root field before its resolver runs, declared once in
 * its module's `*.rules.ts`: who may call it (`rule`), what an API token needs besides
 * (`scope`, plus `tokenCheck` for what a scope alone cannot express), and which rate-limit
 * budget it spends (`budget`: "signIn" for the sign-in flows, else the caller's "query" budget).
 */
export class RootField {
  constructor(
    readonly rule: ShieldRule,
    readonly scope: ScopeRequirement,
    readonly budget: BudgetKind,
    readonly tokenCheck: ShieldRule | null,
    /** Accepts an `Idempotency-Key` header (idempotency.plugin.ts): mark creations and bulk changes with `idempotent()`. */
    readonly idempotent: boolean = false,
  ) {}
}

/** The same declaration, for a mutation that accepts an `Idempotency-Key` (its first response is replayed to retries). */
export function idempotent(field: RootField): RootField {
  return new RootField(field.rule, field.scope, field.budget, field.tokenCheck, true);
}

export function rootField(declaration: { rule: ShieldRule; scope: ScopeRequirement; budget?: BudgetKind; tokenCheck?: ShieldRule }): RootField {
  return new RootField(declaration.rule, declaration.scope, declaration.budget ?? "query", declaration.tokenCheck ?? null);
}

const ROOT_TYPES = ["Query", "Mutation", "Subscription"] as const;
export type RootType = (typeof ROOT_TYPES)[number];

/** A module's permissions: its root fields, declared with `rootField`, and the rules of its other types' fields. */
export type ModuleRules = { [T in RootType]?: Record<string, RootField> } & { [type: string]: Record<string, RootField> | Record<string, ShieldRule> | undefined };

/** What the modules' declarations add up to; see `derivePermissions`. */
export interface Permissions {
  /** The shield rule tree: each root field's rule with its token requirement, and every other type's rules. */
  readonly ruleTree: RuleTree;
  /** Every declared root field, by "Type.field". */
  readonly rootFields: ReadonlyMap<string, RootField>;
  /** The mutations that spend the per-IP sign-in budget instead of the caller's. */
  readonly signInMutations: ReadonlySet<string>;
  /** The mutations declared with `idempotent()`: they accept an Idempotency-Key header. */
  readonly idempotentMutations: ReadonlySet<string>;
  /** What an API token needs for a root field; an undeclared field is denied to everyone, tokens included. */
  scopeRequirementOf(type: string, field: string): ScopeRequirement;
}

/**
 * Composes the modules' rules. Two modules declaring one field is a programming error, as is a
 * root field ruled without `rootField` or a query declared to spend the sign-in budget.
 */
export function derivePermissions(modules: readonly ModuleRules[]): Permissions {
  const rootFields = new Map<string, RootField>();
  const trees: RuleTree[] = [];
  for (const module of modules) {
    const tree: RuleTree = {};
    for (const [type, rules] of Object.entries(module)) {
      if (rules === undefined) continue;
      if (!(ROOT_TYPES as readonly string[]).includes(type)) {
        if (Object.values(rules).some((r) => r instanceof RootField)) throw new Error(`rootField() declares root fields only, not ${type}'s`);
        tree[type] = rules as Record<string, ShieldRule>;
        continue;
      }
      const own: Record<string, ShieldRule> = {};
      for (const [field, declared] of Object.entries(rules)) {
        const path = `${type}.${field}`;
        if (!(declared instanceof RootField)) throw new Error(`${path} must be declared with rootField({ rule, scope, budget })`);
        if (rootFields.has(path)) throw new Error(`${path} is declared twice`);
        if (declared.budget === "signIn" && type !== "Mutation") throw new Error(`${path}: only mutations spend the sign-in budget`);
        rootFields.set(path, declared);
        own[field] = withTokenRequirement(declared);
      }
      tree[type] = own;
    }
    trees.push(tree);
  }
  const signInMutations = new Set([...rootFields].filter(([path, f]) => f.budget === "signIn" && path.startsWith("Mutation.")).map(([path]) => path.slice("Mutation.".length)));
  return {
    ruleTree: mergeRuleTrees(...trees),
    rootFields,
    signInMutations,
    idempotentMutations: new Set([...rootFields].filter(([path, f]) => f.idempotent && path.startsWith("Mutation.")).map(([path]) => path.slice("Mutation.".length))),
    scopeRequirementOf: (type, field) => rootFields.get(`${type}.${field}`)?.scope ?? "session",
  };
}

/**
 * The field's own rule and, after it, what an API token needs. Scope rules are predicates, so a
 * field whose own rule is one stays a synchronous check (shield.ts); `allow` with scope "any"
 * stays exactly `allow` and gets no wrapper at all.
 */
function withTokenRequirement(field: RootField): ShieldRule {
  const { rule, scope, tokenCheck } = field;
  const needs: ShieldRule[] = scope === "any" ? [] : scope === "session" ? [isNotApiToken] : (typeof scope === "string" ? [scope] : [...scope]).map((s) => requireScope(s));
  if (tokenCheck) needs.push(tokenCheck);
  return needs.length ? and(rule, ...needs) : rule;
}
