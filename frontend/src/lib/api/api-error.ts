/** One entry of a GraphQL response's `errors` array, as far as the client relies on it. */
export interface GraphQLErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

export type ApiErrorKind =
  /** The server answered with GraphQL errors. */
  | "graphql"
  /** The server answered with an HTTP error and no usable GraphQL body. */
  | "http"
  /** No answer at all: offline, DNS, TLS, CORS or an aborted request. */
  | "network";

/** Every failure of a request to the API, whatever its origin, has this one shape. */
export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    readonly errors: readonly GraphQLErrorEntry[] = [],
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(errors[0]?.message ?? (kind === "network" ? "Network error" : `HTTP ${status ?? "error"}`), options);
    this.name = "ApiError";
  }

  /** The first error's `extensions.code`, e.g. "ACCOUNT_LOCKED". */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }

  hasCode(code: string): boolean {
    return this.errors.some((e) => e.extensions?.code === code);
  }

  /** Whether this is an aborted request, which callers usually ignore. */
  get aborted(): boolean {
    return this.kind === "network" && this.cause instanceof DOMException && this.cause.name === "AbortError";
  }
}
