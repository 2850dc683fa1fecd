/**
 * Which database failures are an outage or a deadline rather than a bug: the request was not done
 * and the client may retry. Errors arrive from mysql2, knex's pool and MikroORM (which wraps the
 * driver's error as `cause` or copies its code), so the chain is walked.
 */
export type DatabaseFailure = "unavailable" | "timeout" | "outcome_unknown";

// The server or the network is gone, or refuses connections.
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ETIMEDOUT", // connect ETIMEDOUT: no greeting from the server within connectTimeout
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR",
  "PROTOCOL_ENQUEUE_AFTER_QUIT",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_NORMAL_SHUTDOWN",
  "ER_SHUTDOWN_COMPLETE",
  "ER_CONNECTION_KILLED",
  "ER_NET_READ_ERROR",
  "ER_NET_READ_INTERRUPTED",
  "ER_NET_ERROR_ON_WRITE",
  "ER_NET_WRITE_INTERRUPTED",
  "ER_TOO_MANY_USER_CONNECTIONS",
  "ER_HOST_IS_BLOCKED",
  "ER_READ_ONLY_MODE",
  "ER_OPTION_PREVENTS_STATEMENT",
  "ER_CLIENT_INTERACTION_TIMEOUT",
]);

// The statement or the transaction ran past a deadline and was stopped (and rolled back).
const TIMEOUT_CODES = new Set([
  "ER_STATEMENT_TIMEOUT", // MariaDB max_statement_time
  "ER_QUERY_TIMEOUT", // MySQL max_execution_time
  "ER_QUERY_INTERRUPTED",
  "ER_LOCK_WAIT_TIMEOUT",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "DESKQL_STATEMENT_TIMEOUT", // session-limits.ts: no answer from the server in time
]);

// mysql2 refuses commands on a connection that already failed; knex's pool times out acquiring one.
const UNAVAILABLE_MESSAGES = [/^Can't add new command when connection is in closed state/, /^Knex: Timeout acquiring a connection/, /^Connection lost/];

/** "unavailable", "timeout", "outcome_unknown" (a commit sent and never confirmed), or undefined for any other error. */
export function databaseFailureOf(error: unknown): DatabaseFailure | undefined {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === "object" && !seen.has(e); e = (e as { cause?: unknown; originalError?: unknown }).cause ?? (e as { originalError?: unknown }).originalError) {
    seen.add(e);
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === "string") {
      if (code === "DESKQL_COMMIT_TIMEOUT") return "outcome_unknown"; // session-limits.ts: a COMMIT sent, never confirmed
      if (TIMEOUT_CODES.has(code)) return "timeout";
      if (UNAVAILABLE_CODES.has(code)) return "unavailable";
    }
    if (name === "KnexTimeoutError" || name === "ConnectionException") return "unavailable";
    if (name === "LockWaitTimeoutException") return "timeout";
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return "unavailable";
  }
  return undefined;
}

/** Whether an error (or what it wraps) comes from the database driver, so its message may hold SQL with values. */
export function isDriverError(error: unknown): boolean {
  if (databaseFailureOf(error)) return true;
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++, e = (e as { cause?: unknown }).cause) {
    const x = e as { sql?: unknown; sqlMessage?: unknown; sqlState?: unknown; name?: unknown; errno?: unknown };
    if (x.sql !== undefined || x.sqlMessage !== undefined || x.sqlState !== undefined) return true;
    if (typeof x.name === "string" && /(Exception|KnexTimeoutError)$/.test(x.name)) return true;
  }
  return false;
}
