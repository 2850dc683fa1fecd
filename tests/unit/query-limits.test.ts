import "reflect-metadata";
import { getIntrospectionQuery, GraphQLError, parse, specifiedRules, validate, type GraphQLSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { assertTokenLimit, estimateCost, INTROSPECTION_MAX_DEPTH, isQueryLimitError, queryLimitRules } from "../../src/graphql/limits.js";
import { buildBareSchema } from "../../src/graphql/schema.js";

const fields = (n: number) => `{ ${Array.from({ length: n }, () => "__typename").join(" ")} }`; // n + 2 tokens

describe("assertTokenLimit", () => {
  it("accepts a document of exactly the limit and rejects one token more", () => {
    expect(() => assertTokenLimit(fields(98), 100)).not.toThrow();
    let error: unknown;
    try {
      assertTokenLimit(fields(99), 100);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions).toMatchObject({ code: "QUERY_TOO_LARGE", maxTokens: 100, http: { status: 400 } });
  });

  it("does not count comments, and leaves syntax errors to the parser", () => {
    expect(() => assertTokenLimit(`# ${"x ".repeat(500)}\n${fields(10)}`, 100)).not.toThrow();
    expect(() => assertTokenLimit(`{ "unterminated`, 100)).not.toThrow();
  });

  it("rejects a huge document by its token count", () => {
    expect(() => assertTokenLimit(fields(500_000), 3000)).toThrow(/more than 3000 tokens/);
  });
});

describe("query limit validation rules", () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildBareSchema();
  });
  const rules = queryLimitRules({ maxDepth: 3, maxAliases: 2, maxDirectives: 2, maxTokens: 3000, maxCost: 1000 });
  const errorsOf = (query: string) => validate(schema, parse(query), [...specifiedRules, ...rules]).map((e) => e.message);

  it("reports (never throws) depth, alias and directive violations", () => {
    expect(errorsOf(`{ users(first: 1) { nodes { id } } }`)).toEqual([]);
    expect(errorsOf(`{ users(first: 1) { edges { node { id } } } }`)).toEqual([expect.stringMatching(/depth limit of 3 exceeded, found 4/)]);
    expect(errorsOf(`{ a: __typename b: __typename c: __typename }`)).toEqual([expect.stringMatching(/Aliases limit of 2 exceeded/)]);
    expect(errorsOf(`{ __typename @include(if: true) __typename @skip(if: false) __typename @include(if: true) }`)).toEqual([expect.stringMatching(/Directives limit of 2 exceeded/)]);
  });

  it("marks its own errors as limits, not as schema validation", () => {
    const [limit] = validate(schema, parse(`{ users(first: 1) { edges { node { id } } } }`), rules);
    const [unknown] = validate(schema, parse(`{ nope }`), [...specifiedRules, ...rules]);
    expect(isQueryLimitError(limit)).toBe(true);
    expect(isQueryLimitError(unknown)).toBe(false);
  });
});

describe("introspection depth", () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildBareSchema();
  });
  const rules = queryLimitRules({ maxDepth: 3, maxAliases: 100, maxDirectives: 50, maxTokens: 3000, maxCost: 1000 });
  const errorsOf = (query: string) => validate(schema, parse(query), [...specifiedRules, ...rules]).map((e) => e.message);
  /** `__schema { types { fields { type { ofType … { name } } } } }`, `depth` levels deep. */
  const deep = (depth: number) => `{ __schema { types { fields { type { ${"ofType { ".repeat(depth - 5)}name${" }".repeat(depth - 5)} } } } } }`;

  it("lets graphql-js's full introspection query (Apollo Sandbox's) through, however low QUERY_MAX_DEPTH is", () => {
    const full = getIntrospectionQuery({ descriptions: true, schemaDescription: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true });
    expect(errorsOf(full)).toEqual([]);
    expect(errorsOf(deep(INTROSPECTION_MAX_DEPTH))).toEqual([]);
  });

  it("rejects introspection deeper than that, fragments flattened", () => {
    expect(errorsOf(deep(INTROSPECTION_MAX_DEPTH + 1))).toEqual([`Introspection depth limit of ${INTROSPECTION_MAX_DEPTH} exceeded, found ${INTROSPECTION_MAX_DEPTH + 1}.`]);
    expect(errorsOf(deep(30))).toEqual([expect.stringMatching(/found 30\./)]);
    const viaFragments = `{ ...Q } fragment Q on Query { __schema { types { ...T } } } fragment T on __Type { fields { type { ${"ofType { ".repeat(25)}name${" }".repeat(25)} } } }`;
    expect(errorsOf(viaFragments)).toEqual([expect.stringMatching(/found 30\./)]);
  });

  it("survives fragment cycles and spreads repeated many times", () => {
    const cyclic = `{ __schema { types { ...A } } } fragment A on __Type { ofType { ...B } } fragment B on __Type { ofType { ...A } }`;
    expect(errorsOf(cyclic).some((m) => /Cannot spread fragment "A" within itself/.test(m))).toBe(true);
    // Each fragment spreads the next twice: measured once each (15 levels), not 2^12 times; the alias limit counts them all.
    const spreads = Array.from({ length: 12 }, (_, i) => `fragment F${i} on __Type { a: ofType { ...F${i + 1} } b: ofType { ...F${i + 1} } }`).join(" ");
    expect(errorsOf(`{ __schema { types { ...F0 } } } ${spreads} fragment F12 on __Type { name }`)).toEqual([expect.stringMatching(/Aliases limit of 100 exceeded/)]);
  });
});

describe("estimateCost", () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildBareSchema();
  });
  const cost = (query: string, variables: Record<string, unknown> = {}) => estimateCost(schema, parse(query), undefined, variables);

  it("charges 1 per field and multiplies a paged list's selection by its page size", () => {
    expect(cost(`{ me { id email } }`)).toBe(3);
    expect(cost(`{ users(first: 10) { nodes { id email } } }`)).toBe(1 + 10 * 3);
    expect(cost(`{ users(last: 50) { totalCount } }`)).toBe(1 + 50 * 1);
  });

  it("reads page sizes from variables and charges the default page when none is given", () => {
    expect(cost(`query($n: Int) { users(first: $n) { nodes { id } } }`, { n: 100 })).toBe(1 + 100 * 2);
    expect(cost(`{ auditEvents { nodes { id } } }`)).toBe(1 + 20 * 2);
  });

  it("charges a list without page arguments for the default page it returns, at every level", () => {
    const nested = `{ projects { nodes { issues { nodes { id comments { nodes { id body author { id } } } } } } } }`;
    const sized = `{ projects(first: 20) { nodes { issues(first: 20) { nodes { id comments(first: 20) { nodes { id body author { id } } } } } } } }`;
    expect(cost(nested)).toBe(cost(sized));
    expect(cost(nested)).toBe(1 + 20 * (1 + 1 + 20 * (1 + 1 + 1 + 20 * (1 + 4))));
    // A list with a default of its own (latestComments: last = 3) is charged for that default.
    expect(cost(`{ ticket(id: "x") { latestComments { id } } }`)).toBe(cost(`{ ticket(id: "x") { latestComments(last: 3) { id } } }`));
  });
});
