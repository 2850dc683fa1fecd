import { untrack } from "svelte";
import type { ResultOf, TadaDocumentNode, VariablesOf } from "../graphql/graphql.ts";
import { ApiError } from "./api-error.ts";
import { request } from "./client.ts";

type AnyDocument = TadaDocumentNode<any, any>;

export interface QueryState<D extends AnyDocument> {
  /** The latest result; kept while a new page or filter loads so the screen does not jump. */
  readonly data: ResultOf<D> | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  refetch(): Promise<void>;
  /** Replaces the cached result, e.g. with what a mutation returned. */
  set(data: ResultOf<D>): void;
}

/**
 * Loads a document whenever the variables returned by `variables` change (they are read
 * reactively). Call during component initialisation. Returning `null` skips the request.
 */
export function query<D extends AnyDocument>(document: D, variables: () => VariablesOf<NoInfer<D>> | null): QueryState<D> {
  let data = $state.raw<ResultOf<D> | undefined>(undefined);
  let error = $state.raw<unknown>(null);
  let loading = $state(true);
  let current: VariablesOf<D> | null = null;
  let controller: AbortController | null = null;
  let sequence = 0;

  async function load(vars: VariablesOf<D>): Promise<void> {
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    const id = ++sequence;
    loading = true;
    error = null;
    try {
      const result = await request(document, vars, { signal: mine.signal });
      if (id === sequence) data = result;
    } catch (e) {
      if (id === sequence && !(e instanceof ApiError && e.aborted)) error = e;
    } finally {
      if (id === sequence) loading = false;
    }
  }

  $effect(() => {
    const vars = variables();
    current = vars;
    if (vars === null) {
      loading = false;
      return;
    }
    untrack(() => void load(vars));
    return () => controller?.abort();
  });

  return {
    get data() {
      return data;
    },
    get error() {
      return error;
    },
    get loading() {
      return loading;
    },
    refetch: () => (current === null ? Promise.resolve() : load(current)),
    set(value) {
      data = value;
    },
  };
}
