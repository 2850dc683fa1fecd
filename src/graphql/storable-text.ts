import type { ApolloServerPlugin } from "@apollo/server";
import { BREAK, Kind, visit, type ASTNode, type DocumentNode } from "graphql";
import type { Context } from "./context.js";
import { BadUserInputError } from "../core/errors.js";
import { isStorableText } from "../core/text.js";

/**
 * Refuses a request whose variables or document literals hold unstorable text with
 * BAD_USER_INPUT (HTTP 400) naming the argument, e.g. `input.email`. Runs on every request:
 * one native check per string of the variables; a document is checked once (Apollo reuses them).
 */
export function storableTextPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, response }) {
          const variables = request.variables;
          const field = literalVerdict(document) ?? (variables && holdsUnstorableText(variables) ? variableField(document, variables) : null);
          if (field === null) return;
          response.http.status = 400;
          throw new BadUserInputError(`"${field}" contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored.`, field);
        },
      };
    },
  };
}

/** Per parsed document: the path of its first unstorable string literal, or null. */
const literalVerdicts = new WeakMap<DocumentNode, string | null>();

function literalVerdict(document: DocumentNode): string | null {
  let verdict = literalVerdicts.get(document);
  if (verdict !== undefined) return verdict;
  verdict = null;
  visit(document, {
    StringValue(node, _key, parent, path, ancestors) {
      if (isStorableText(node.value)) return undefined;
      verdict = inputPath(path, [...ancestors, parent]) || "query";
      return BREAK;
    },
  });
  literalVerdicts.set(document, verdict);
  return verdict;
}

/** Iterative, not recursive: variables may nest deeper than the stack (JSON.parse allows it). */
function holdsUnstorableText(variables: Record<string, unknown>): boolean {
  const pending: unknown[] = [variables];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (!isStorableText(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === "object") {
      for (const key in value) pending.push((value as Record<string, unknown>)[key]);
    }
  }
  return false;
}

/**
 * Only for a request being refused: where the unstorable string is, as the argument the
 * variable is passed to followed by the path inside it (`$i.email` given as `input` is `input.email`).
 */
function variableField(document: DocumentNode, variables: Record<string, unknown>): string {
  const pending: [unknown, (string | number)[]][] = Object.keys(variables).map((name) => [variables[name], [name]]);
  let found: (string | number)[] = [];
  while (pending.length > 0) {
    const [value, at] = pending.pop()!;
    if (typeof value === "string" && !isStorableText(value)) {
      found = at;
      break;
    }
    if (Array.isArray(value)) value.forEach((item, index) => pending.push([item, [...at, index]]));
    else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) pending.push([item, [...at, key]]);
  }
  const [name, ...inside] = found;
  let argument = "";
  visit(document, {
    Variable(node, _key, parent, path, ancestors) {
      if (node.name.value !== name || (parent as ASTNode).kind === Kind.VARIABLE_DEFINITION) return undefined;
      argument = inputPath(path, [...ancestors, parent]);
      return BREAK;
    },
  });
  return [argument || String(name), ...inside].join(".");
}

/** The argument, input fields and list indices that lead to a value node, e.g. `filter.search`. */
function inputPath(path: readonly (string | number)[], containers: readonly unknown[]): string {
  const segments: (string | number)[] = [];
  containers.forEach((container, depth) => {
    if (!container || Array.isArray(container)) return;
    const node = container as ASTNode;
    if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) segments.push(node.name.value);
    else if (node.kind === Kind.VARIABLE_DEFINITION) segments.push(node.variable.name.value);
    else if (node.kind === Kind.LIST) segments.push(path[depth + 1]!);
  });
  return segments.join(".");
}
