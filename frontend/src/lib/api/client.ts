import { auth } from "../auth/auth.svelte.ts";
import type { ResultOf, TadaDocumentNode, VariablesOf } from "../graphql/graphql.ts";
import { ApiError } from "./api-error.ts";
import { executeGraphQL } from "./graphql-http.ts";

type AnyDocument = TadaDocumentNode<any, any>;

/**
 * Runs a query or mutation as the signed-in user. An expired access token is renewed first;
 * an UNAUTHENTICATED answer gets one silent refresh and retry before the error is shown.
 */
export async function request<D extends AnyDocument>(
  document: D,
  variables: VariablesOf<D>,
  options: { signal?: AbortSignal } = {},
): Promise<ResultOf<D>> {
  if (auth.tokenExpired) await auth.refresh();
  try {
    return await executeGraphQL(document, variables, { signal: options.signal, headers: authHeaders() });
  } catch (error) {
    if (!(error instanceof ApiError) || !error.hasCode("UNAUTHENTICATED") || !auth.accessToken) throw error;
    if (!(await auth.refresh())) throw error;
    return executeGraphQL(document, variables, { signal: options.signal, headers: authHeaders() });
  }
}

function authHeaders(): Record<string, string> {
  const token = auth.accessToken;
  return token ? { Authorization: `Bearer ${token}` } : {};
}
