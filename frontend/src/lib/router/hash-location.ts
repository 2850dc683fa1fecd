/** A location inside the hash: `#/tickets/42?status=OPEN` is path "/tickets/42" and its query. */
export interface HashLocation {
  path: string;
  query: URLSearchParams;
}

export function parseHash(hash: string): HashLocation {
  const raw = hash.replace(/^#/, "");
  const [pathPart = "", queryPart = ""] = raw.split(/\?(.*)/s, 2);
  const path = "/" + pathPart.split("/").filter(Boolean).join("/");
  return { path, query: new URLSearchParams(queryPart) };
}

/** Builds "#/path?query", dropping empty query values so URLs stay short. */
export function buildHash(path: string, query: Record<string, string | number | boolean | null | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "" && value !== false) params.set(key, String(value));
  }
  const qs = params.toString();
  return `#${path}${qs ? `?${qs}` : ""}`;
}

/**
 * Matches "/tickets/:id" against "/tickets/42" and returns { id: "42" }, or null.
 * Parameters are URI-decoded; a malformed escape makes the route not match.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(":")) {
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return null;
      }
    } else if (w !== h) {
      return null;
    }
  }
  return params;
}
