import type { GraphQLFieldResolver, GraphQLSchema } from "graphql";
import { isIntrospectionType, isObjectType } from "graphql";
import { applyMiddleware, type IMiddlewareFieldMap } from "graphql-middleware";
import { allow, deny as shieldDeny, shield } from "graphql-shield";
import type { IRules } from "graphql-shield";
import { ForbiddenError } from "../core/errors.js";
import { compileRule, type Check, type ShieldRule } from "./rule-compiler.js";

export type RuleTree = Record<string, ShieldRule | Record<string, ShieldRule>>;

/** Merges the modules' rule trees; two modules ruling the same field is a programming error. */
export function mergeRuleTrees(...trees: RuleTree[]): RuleTree {
  const merged: Record<string, Record<string, ShieldRule> | ShieldRule> = {};
  for (const tree of trees) {
    for (const [type, rules] of Object.entries(tree)) {
      const existing = merged[type];
      if (existing === undefined) {
        merged[type] = typeof rules === "object" && !("resolve" in rules) ? { ...rules } : rules;
        continue;
      }
      if (typeof existing !== "object" || "resolve" in existing || typeof rules !== "object" || "resolve" in rules) {
        throw new Error(`Permission rules for ${type} are declared twice as whole-type rules`);
      }
      for (const [field, r] of Object.entries(rules)) {
        if (field in existing) throw new Error(`Permission rule for ${type}.${field} is declared twice`);
        existing[field] = r as ShieldRule;
      }
    }
  }
  return merged;
}

/** The rule a field ends up with: its own, else its type's wildcard, else deny. */
export function effectiveRule(tree: RuleTree, typeName: string, field: string): ShieldRule | undefined {
  const typeRules = tree[typeName];
  if (typeRules === undefined) return undefined;
  if (typeof typeRules !== "object" || "resolve" in typeRules) return typeRules as ShieldRule;
  return (typeRules as Record<string, ShieldRule>)[field] ?? (typeRules as Record<string, ShieldRule>)["*"];
}

/**
 * graphql-shield over the whole schema with `fallbackRule: deny`: a field nobody ruled on is
 * denied. Shield wraps every field in an asynchronous middleware, which cost ~40% of throughput
 * on leaf-heavy queries, so its middleware stays only where it is needed:
 * - a field whose rule is exactly `allow` can only ever call through: no wrapper at all;
 * - a field whose rule is made of predicates (rule-compiler.ts) gets a synchronous check with
 *   shield's semantics and the same errors;
 * - every other field, unruled ones included (they fall back to deny), keeps shield's middleware.
 */
export function applyPermissions(schema: GraphQLSchema, tree: RuleTree): GraphQLSchema {
  const fallbackError = () => new ForbiddenError();
  const generator = shield(tree as IRules, {
    fallbackRule: shieldDeny,
    allowExternalErrors: true, // our rules' and resolvers' coded errors pass through unchanged
    fallbackError,
  });
  const generated = generator.generate(schema) as IMiddlewareFieldMap;
  const kept: IMiddlewareFieldMap = {};
  for (const [typeName, fields] of Object.entries(generated)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type) || isIntrospectionType(type)) continue;
    const keep: Record<string, unknown> = {};
    for (const [field, middleware] of Object.entries(fields as Record<string, unknown>)) {
      const rule = effectiveRule(tree, typeName, field) ?? shieldDeny;
      if ((rule as unknown) === allow) continue;
      const check = compileRule(rule);
      keep[field] = check ? checkedBy(check, fallbackError) : middleware;
    }
    if (Object.keys(keep).length) kept[typeName] = keep as IMiddlewareFieldMap[string];
  }
  return guardSubscriptions(applyMiddleware(schema, kept), tree, fallbackError);
}

/**
 * graphql-middleware wraps a subscription field's `resolve` (run for every event) and leaves its
 * `subscribe` unchecked when it has both: the rule is checked when the subscription starts too,
 * so a caller it refuses gets the error instead of a silent stream. Subscription rules are
 * synchronous predicates (roles, scopes), checked again for every event by the wrapped resolve.
 */
function guardSubscriptions(schema: GraphQLSchema, tree: RuleTree, fallbackError: () => Error): GraphQLSchema {
  const type = schema.getSubscriptionType();
  for (const [name, field] of Object.entries(type?.getFields() ?? {})) {
    const check = compileRule(effectiveRule(tree, type!.name, name) ?? shieldDeny);
    if (!check) throw new Error(`Subscription.${name}: a subscription's rule must be made of predicates (rule-compiler.ts)`);
    const subscribe = field.subscribe;
    if (subscribe) field.subscribe = checkedBy(check, fallbackError).bind(null, subscribe);
  }
  return schema;
}

/** A synchronous permission check in front of a resolver: what shield's middleware does for the rule, minus the promises. */
function checkedBy(check: Check, fallbackError: () => Error) {
  return (resolve: GraphQLFieldResolver<unknown, unknown>, parent: unknown, args: Record<string, unknown>, ctx: unknown, info: Parameters<Check>[3]) => {
    const verdict = check(parent, args, ctx, info);
    if (verdict === true) return resolve(parent, args, ctx, info);
    throw verdict === false ? fallbackError() : verdict;
  };
}
