import { print } from "@0no-co/graphql.web";
import type { ResultOf, TadaDocumentNode, VariablesOf } from "../graphql/graphql.ts";
import { ApiError, type GraphQLErrorEntry } from "./api-error.ts";

export const GRAPHQL_PATH = "/graphql";

export interface RequestOptions {
  /** Extra HTTP headers, e.g. `Authorization` or `X-Refresh-Cookie`. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

type AnyDocument = TadaDocumentNode<any, any>;

const printed = new WeakMap<object, string>();

/** Documents are module constants, so each is printed once. */
function queryText(document: AnyDocument): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

function operationName(document: AnyDocument): string | undefined {
  for (const definition of document.definitions) {
    if (definition.kind === "OperationDefinition") return definition.name?.value;
  }
  return undefined;
}

/**
 * One GraphQL request over HTTP POST, without any session handling. Resolves with `data` or
 * rejects with an ApiError; a response carrying any error counts as failed, since partial
 * screens would hide the problem.
 */
export async function executeGraphQL<D extends AnyDocument>(
  document: D,
  variables: VariablesOf<D>,
  options: RequestOptions = {},
): Promise<ResultOf<D>> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
        // Apollo's CSRF prevention rejects requests that a plain HTML form could have sent.
        "apollo-require-preflight": "true",
        ...options.headers,
      },
      body: JSON.stringify({ query: queryText(document), variables: variables ?? {}, operationName: operationName(document) }),
      signal: options.signal,
    });
  } catch (cause) {
    throw new ApiError("network", [], undefined, { cause });
  }

  const body = await readJson(response);
  const errors = readErrors(body);
  if (errors.length) throw new ApiError("graphql", errors, response.status);
  if (!response.ok || !isObject(body) || !isObject(body.data)) throw new ApiError("http", [], response.status);
  return body.data as ResultOf<D>;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function readErrors(body: unknown): GraphQLErrorEntry[] {
  if (!isObject(body) || !Array.isArray(body.errors)) return [];
  return body.errors.filter(isObject).map((e) => ({
    message: typeof e.message === "string" ? e.message : "",
    path: Array.isArray(e.path) ? e.path : undefined,
    extensions: isObject(e.extensions) ? (e.extensions as GraphQLErrorEntry["extensions"]) : undefined,
  }));
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
