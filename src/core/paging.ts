/**
 * Relay-style pages as services return them; the GraphQL types that expose them are in
 * graphql/connection.types.ts, the keyset queries behind them in db/pagination.ts.
 */
export interface PageRequest {
  /** The first N items after `after` (1-100). */
  first?: number | null;
  after?: string | null;
  /** The last N items before `before` (1-100). */
  last?: number | null;
  before?: string | null;
  /** Set by the API when the client reads `totalCount` with the page: lists that can count in the page's own statement then do. Not an argument. */
  withTotal?: boolean;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  /** A getter: the count query runs only when a client asks for it. */
  readonly totalCount: Promise<number>;
}
