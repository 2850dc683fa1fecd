import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
// The CJS build on purpose: the ESM build imports "graphql/index.mjs", a second copy of graphql
// beside the CommonJS one every other package loads ("Cannot use GraphQLObjectType from another realm").
import { createRequire } from "node:module";
import type { ComplexityEstimator } from "graphql-query-complexity";

const { getComplexity, simpleEstimator } = createRequire(import.meta.url)("graphql-query-complexity") as typeof import("graphql-query-complexity");
import type { AppConfig } from "../config.js";
import { DEFAULT_PAGE_SIZE } from "../db/pagination.js";

/**
 * How deep an introspection query may go: graphql-js's full introspection query
 * (getIntrospectionQuery with every option, graphql 16.15) is 15 levels deep, through
 * `fields { args { type { ofType ×9 } } }`. That is the query Apollo Sandbox, GraphiQL and codegen
 * send; a shallower limit would break them, whatever QUERY_MAX_DEPTH says.
 */
export const INTROSPECTION_MAX_DEPTH = 15;

/** Errors our limit rules report: their messages state a limit, not the schema (see isQueryLimitError). */
const limitErrors = new WeakSet<GraphQLError>();

/** Whether a validation error is one of the limits here, rather than graphql-js describing the schema. */
export function isQueryLimitError(error: unknown): boolean {
  return error instanceof GraphQLError && limitErrors.has(error);
}

const report = (context: ValidationContext | null, error: GraphQLError) => {
  limitErrors.add(error);
  context?.reportError(error);
};

/**
 * Static limits checked during validation, with graphql-armor's rules. Defaults (config.ts):
 * depth 10 and 15 aliases (graphql-armor's suggestions), 50 directives, 3,000 tokens.
 */
export function queryLimitRules(limits: AppConfig["queryLimits"]): ValidationRule[] {
  // Reported, not thrown: graphql-armor's default (propagateOnRejection) throws out of the
  // validation visitor, which Apollo answers with a 500 instead of a validation error.
  const common = { propagateOnRejection: false, onReject: [report], exposeLimits: true };
  return [
    // `__schema` is left to introspectionDepthRule, so introspection keeps working at any QUERY_MAX_DEPTH.
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...common }),
    introspectionDepthRule(INTROSPECTION_MAX_DEPTH),
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...common }),
    maxDirectivesRule({ n: limits.maxDirectives, ...common }),
  ] as ValidationRule[];
}

/**
 * The depth of every `__schema` selection, fragments flattened as in the depth limit above: without
 * it a 30-level `__schema { types { fields { type { ofType … } } } }` passed, anonymously too in
 * development (in production only admins may introspect at all).
 */
function introspectionDepthRule(limit: number): ValidationRule {
  return (context) => {
    const fragmentDepths = new Map<string, number>(); // each fragment walked once, however often it is spread
    const depthOf = (selectionSet: SelectionSetNode | undefined): number => {
      let deepest = 0;
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet));
        else if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(selection.selectionSet));
        else {
          const name = selection.name.value;
          if (!fragmentDepths.has(name)) {
            fragmentDepths.set(name, 0); // a cycle counts nothing more (NoFragmentCyclesRule reports it)
            fragmentDepths.set(name, depthOf(context.getFragment(name)?.selectionSet));
          }
          deepest = Math.max(deepest, fragmentDepths.get(name)!);
        }
      }
      return deepest;
    };
    return {
      Field(node) {
        if (node.name.value !== "__schema") return;
        const depth = 1 + depthOf(node.selectionSet);
        if (depth > limit) report(context, new GraphQLError(`Introspection depth limit of ${limit} exceeded, found ${depth}.`, { nodes: [node] }));
        return false; // its subtree is measured
      },
    };
  };
}

/**
 * Rejects a document with more lexical tokens than allowed, before anything else looks at it.
 * Counted with graphql-js's own lexer rather than by recognising parse()'s maxTokens message,
 * whose wording is not stable (graphql 16 says "more that N tokens").
 */
export function assertTokenLimit(source: string, maxTokens: number): void {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++count > maxTokens) break;
    }
  } catch {
    return; // a syntax error: the normal parse that follows reports it
  }
  if (count > maxTokens) {
    throw new GraphQLError(`The query has more than ${maxTokens} tokens.`, { extensions: { code: "QUERY_TOO_LARGE", maxTokens, http: { status: 400 } } });
  }
}

/**
 * GitHub-style cost: every object or scalar field costs 1, and a list field multiplies the cost
 * of its selection by the page it asks for (`first`/`last`, default 20). So `first: 100` nested
 * in `first: 100` costs 10,000 times its leaves, and cannot hide behind a small document.
 */
const pagedListEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const paged = field.args.some((arg) => arg.name === "first" || arg.name === "last");
  if (!paged) return undefined; // not a paged list: let the next estimator decide
  // A page asked for without a size gets the default one, and must cost what it returns.
  const page = typeof args.first === "number" ? args.first : typeof args.last === "number" ? args.last : DEFAULT_PAGE_SIZE;
  return 1 + Math.max(1, page) * childComplexity;
};

/**
 * The estimate depends on the document and on the variables it reads: those given to `first`
 * or `last` and to @skip/@include. Apollo reuses parsed documents, so a repeated query with the
 * same such values reuses its estimate: re-estimating a ticket page on every request was 4% of
 * its CPU. Estimates that throw (a variable of the wrong type) are not remembered.
 */
const estimates = new WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>();
const REMEMBERED_PER_DOCUMENT = 64;

export function estimateCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): number {
  let entry = estimates.get(document);
  if (!entry) estimates.set(document, (entry = { variables: costVariables(document), costs: new Map() }));
  const key = `${operationName ?? ""}|${JSON.stringify(entry.variables.map((name) => variables[name] ?? null))}`;
  let cost = entry.costs.get(key);
  if (cost === undefined) {
    cost = getComplexity({
      schema,
      query: document,
      operationName,
      variables,
      estimators: [pagedListEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
    if (entry.costs.size >= REMEMBERED_PER_DOCUMENT) entry.costs.clear();
    entry.costs.set(key, cost);
  }
  return cost;
}

/** Names of the variables the estimate reads: in `first`/`last` arguments and in @skip/@include. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: Parameters<typeof visit>[0]) =>
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  visit(document, {
    Argument(argument) {
      if (argument.name.value === "first" || argument.name.value === "last") collect(argument.value);
    },
    Directive(directive) {
      if (directive.name.value === "skip" || directive.name.value === "include") for (const argument of directive.arguments ?? []) collect(argument.value);
    },
  });
  return [...names].sort();
}
