import { allow, and, deny, not, or, rule } from "graphql-shield";
import { describe, expect, it } from "vitest";
import { compileRule, predicate, type ShieldRule } from "../../../src/graphql/rule-compiler.js";

// Every kind of answer a predicate can give, as shield reads it.
const forbidden = new Error("not yours");
const leaves: Record<string, ShieldRule> = {
  yes: predicate("yes", () => true),
  no: predicate("no", () => false),
  error: predicate("error", () => forbidden),
  message: predicate("message", () => "a message" as unknown as boolean),
  throws: predicate("throws", () => {
    throw new Error("boom");
  }),
  allow,
  deny,
};

/** What graphql-shield itself answers for the rule (outside debug mode). */
async function shieldVerdict(r: ShieldRule): Promise<unknown> {
  const ctx = { _shield: { cache: {} } };
  return (r as unknown as { resolve(...a: unknown[]): Promise<unknown> }).resolve({}, {}, ctx, {}, { debug: false, allowExternalErrors: true });
}

const normalise = (v: unknown) => (v instanceof Error ? `Error: ${v.message}` : v);

function combinations(): [string, ShieldRule][] {
  const out: [string, ShieldRule][] = Object.entries(leaves);
  const names = Object.keys(leaves);
  for (const a of names) {
    out.push([`not(${a})`, not(leaves[a]!)]);
    out.push([`not(${a}, error)`, not(leaves[a]!, forbidden)]);
    for (const b of names) {
      out.push([`or(${a}, ${b})`, or(leaves[a]!, leaves[b]!)]);
      out.push([`and(${a}, ${b})`, and(leaves[a]!, leaves[b]!)]);
      out.push([`or(and(${a}, ${b}), not(${b}))`, or(and(leaves[a]!, leaves[b]!), not(leaves[b]!))]);
    }
  }
  return out;
}

describe("compileRule", () => {
  it.each(combinations())("answers %s as graphql-shield does", async (_name, r) => {
    const check = compileRule(r);
    expect(check).not.toBeNull();
    expect(normalise(check!({}, {}, {}, {} as never))).toEqual(normalise(await shieldVerdict(r)));
  });

  it("leaves rules it cannot run synchronously to shield", () => {
    const lookup = rule({ cache: "no_cache" })(async () => true);
    expect(compileRule(lookup)).toBeNull();
    expect(compileRule(or(leaves.yes!, lookup))).toBeNull();
    expect(compileRule(and(not(lookup), leaves.no!))).toBeNull();
  });

  it("passes the parent, arguments and context to the predicate", () => {
    const own = predicate("own", (parent: { ownerId: string }, args: { id: string }, ctx: { userId: string }) => parent.ownerId === ctx.userId && args.id === "t1");
    const check = compileRule(own)!;
    expect(check({ ownerId: "u1" }, { id: "t1" }, { userId: "u1" }, {} as never)).toBe(true);
    expect(check({ ownerId: "u2" }, { id: "t1" }, { userId: "u1" }, {} as never)).toBe(false);
  });
});
