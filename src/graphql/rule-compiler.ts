import type { GraphQLResolveInfo } from "graphql";
import { allow, and, deny, not, or, rule } from "graphql-shield";

/** A rule or a logic rule (and/or/not), as graphql-shield accepts them. */
export type ShieldRule = Parameters<typeof or>[number];

/** A rule's verdict as graphql-shield reads it: true passes, an Error is the field's error, false is the fallback error. */
export type Verdict = true | false | Error;
export type Check = (parent: any, args: any, ctx: any, info: GraphQLResolveInfo) => Verdict;
type Predicate = (parent: any, args: any, ctx: any, info: GraphQLResolveInfo) => boolean | Error;

// graphql-shield's rule classes are not exported; one instance of each gives their constructors.
const RuleOr = or().constructor;
const RuleAnd = and().constructor;
const RuleNot = not(allow).constructor;
const RuleTrue = allow.constructor;
const RuleFalse = deny.constructor;

const predicates = new WeakMap<object, Predicate>();

/**
 * A graphql-shield rule whose answer is a pure, synchronous function of the parent, the
 * arguments and the request context (a role, a scope, an id comparison). It works wherever
 * shield rules do; `compileRule` can also run it without shield's per-field machinery.
 */
export function predicate(name: string, fn: Predicate): ShieldRule {
  const shieldRule = rule(name, { cache: "no_cache" })(fn);
  predicates.set(shieldRule, fn);
  return shieldRule;
}

/**
 * The synchronous equivalent of a rule tree made only of predicates, allow, deny and their
 * and/or/not, with graphql-shield's own semantics: a string verdict is an error message, a
 * throw or any other value is false, `or` passes when one child passes and otherwise answers
 * the first child error (else false), `and` needs every child to pass, `not` inverts. Null when
 * any part needs shield (an asynchronous rule, a chain or race, a rule made with `rule()`).
 */
export function compileRule(r: ShieldRule): Check | null {
  if (r === allow || r instanceof RuleTrue) return () => true;
  if (r instanceof RuleFalse) return () => false;
  const fn = predicates.get(r);
  if (fn) return asVerdict(fn);
  if (r instanceof RuleOr || r instanceof RuleAnd || r instanceof RuleNot) {
    const children = (r as unknown as { getRules(): ShieldRule[] }).getRules().map(compileRule);
    if (children.some((c) => c === null)) return null;
    const checks = children as Check[];
    if (r instanceof RuleNot) {
      const error = (r as unknown as { error?: Error }).error;
      return (parent, args, ctx, info) => (checks[0]!(parent, args, ctx, info) === true ? (error ?? false) : true);
    }
    const any = r instanceof RuleOr;
    return (parent, args, ctx, info) => {
      let firstError: Error | null = null;
      let passed = 0;
      for (const check of checks) {
        const verdict = check(parent, args, ctx, info);
        if (verdict === true) passed++;
        else if (verdict instanceof Error) firstError ??= verdict;
      }
      if (any ? passed > 0 : passed === checks.length) return true;
      return firstError ?? false;
    };
  }
  return null;
}

function asVerdict(fn: Predicate): Check {
  return (parent, args, ctx, info) => {
    try {
      const result: unknown = fn(parent, args, ctx, info);
      if (result === true) return true;
      if (result instanceof Error) return result;
      if (typeof result === "string") return new Error(result);
      return false;
    } catch {
      return false; // as shield outside debug mode
    }
  };
}
