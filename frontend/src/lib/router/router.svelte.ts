import { buildHash, parseHash, type HashLocation } from "./hash-location.ts";

type QueryValues = Record<string, string | number | boolean | null | undefined>;

/**
 * Hash-based routing, so the server only ever serves index.html. The current location is
 * reactive state; `navigate` and links (`href={link("/tickets")}`) change it.
 */
class Router {
  location = $state.raw<HashLocation>(parseHash(""));
  #hash = "";

  constructor() {
    this.#set(typeof window === "undefined" ? "" : window.location.hash);
    if (typeof window !== "undefined") {
      window.addEventListener("hashchange", () => {
        if (window.location.hash !== this.#hash) this.#set(window.location.hash);
      });
    }
  }

  #set(hash: string): void {
    this.#hash = hash;
    this.location = parseHash(hash);
  }

  get path(): string {
    return this.location.path;
  }

  get query(): URLSearchParams {
    return this.location.query;
  }

  /** Goes to `path`; `replace` keeps the current entry out of the history (redirects). */
  navigate(path: string, query: QueryValues = {}, options: { replace?: boolean } = {}): void {
    const hash = buildHash(path, query);
    if (hash === this.#hash) return;
    if (options.replace) history.replaceState(history.state, "", hash);
    else window.location.hash = hash;
    // hashchange fires later (and not at all for replaceState): update now so callers see it.
    this.#set(hash);
  }

  /** Changes some query parameters of the current path (e.g. a filter), keeping the others. */
  setQuery(changes: QueryValues, options: { replace?: boolean } = {}): void {
    const next: QueryValues = Object.fromEntries(this.location.query);
    Object.assign(next, changes);
    this.navigate(this.location.path, next, options);
  }
}

export const router = new Router();

/** An href for a route, e.g. `link("/tickets/" + id)`. */
export function link(path: string, query: QueryValues = {}): string {
  return buildHash(path, query);
}
