/** Relay cursor paging driven by the URL: `after` pages forward, `before` pages back. */

export interface PageWindow {
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

export interface PageInfoLike {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor?: string | null;
  endCursor?: string | null;
}

export function pageWindow(query: URLSearchParams, size: number): PageWindow {
  const before = query.get("before");
  if (before) return { last: size, before };
  const after = query.get("after");
  return after ? { first: size, after } : { first: size };
}

/**
 * Relay lets servers answer hasPreviousPage=false while paging forwards (and hasNextPage
 * while paging back), so the cursor we came from also counts as "there is more that way".
 */
export function pageAvailability(pageInfo: PageInfoLike, query: URLSearchParams): { hasNextPage: boolean; hasPreviousPage: boolean } {
  return {
    hasNextPage: pageInfo.hasNextPage || Boolean(query.get("before")),
    hasPreviousPage: pageInfo.hasPreviousPage || Boolean(query.get("after")),
  };
}

/** URL changes for the previous and next page. */
export function previousPage(pageInfo: PageInfoLike): Record<string, string | null> {
  return { before: pageInfo.startCursor ?? null, after: null };
}

export function nextPage(pageInfo: PageInfoLike): Record<string, string | null> {
  return { after: pageInfo.endCursor ?? null, before: null };
}
