/**
 * Deadlines on every pooled MySQL/MariaDB connection, so a request's database work ends (done or
 * rolled back) before the request is cut and the client can be answered:
 *
 * - on the server, a statement timeout (MariaDB `max_statement_time`, MySQL `max_execution_time`,
 *   which stops SELECTs only) and `innodb_lock_wait_timeout`;
 * - in the client, a timer on every statement a little past the server's: a server that does not
 *   answer at all (frozen, a half-open network) cannot stop anything, so the connection is
 *   destroyed and the statement fails. A transaction on a destroyed connection never commits
 *   (the server rolls it back when it sees the connection go), except a COMMIT already sent,
 *   whose outcome no client can know: that one fails with its own code.
 */

import type { EntityManager } from "@mikro-orm/core";

/** The minimal mysql2 connection surface used here. */
interface RawConnection {
  query(options: unknown, values?: unknown, callback?: unknown): unknown;
  destroy(): void;
  stream?: { destroy?: () => void };
  /** Set by armStatementTimer: closes the connection and fails the statement in flight at once. */
  deskqlAbort?: (error: Error) => void;
}

export interface SessionLimits {
  statementTimeoutMs: number;
}

/** How much longer than the server's own statement timeout the client waits for an answer. */
const CLIENT_GRACE_MS = 1_000;

export class StatementTimeoutError extends Error {
  readonly code: string;
  constructor(timeoutMs: number, commit: boolean) {
    super(commit ? `The database did not confirm a commit within ${timeoutMs} ms.` : `The database did not answer within ${timeoutMs} ms.`);
    this.name = "StatementTimeoutError";
    this.code = commit ? "DESKQL_COMMIT_TIMEOUT" : "DESKQL_STATEMENT_TIMEOUT";
  }
}

const isCommit = (sql: unknown) => typeof sql === "string" && /^\s*commit\b/i.test(sql);

/** knex's pool `afterCreate`: sets the session's timeouts and arms the client-side timer on every statement. */
export function sessionLimitsHook({ statementTimeoutMs }: SessionLimits) {
  const lockWaitSeconds = Math.max(1, Math.ceil(statementTimeoutMs / 1000));
  const clientTimeoutMs = statementTimeoutMs + CLIENT_GRACE_MS;
  return (connection: RawConnection, done: (error: Error | null, connection: RawConnection) => void) => {
    armStatementTimer(connection, clientTimeoutMs);
    const set = (sql: string, next: (error: (Error & { code?: string }) | null) => void) => connection.query(sql, undefined, next);
    set(`SET SESSION innodb_lock_wait_timeout = ${lockWaitSeconds}, SESSION max_statement_time = ${statementTimeoutMs / 1000}`, (error) => {
      if (!error) return done(null, connection);
      if (error.code !== "ER_UNKNOWN_SYSTEM_VARIABLE") return done(error, connection);
      // MySQL: max_execution_time (ms) instead of MariaDB's max_statement_time (s).
      set(`SET SESSION innodb_lock_wait_timeout = ${lockWaitSeconds}, SESSION max_execution_time = ${statementTimeoutMs}`, (again) => done(again, connection));
    });
  };
}

function armStatementTimer(connection: RawConnection, timeoutMs: number): void {
  const query = connection.query.bind(connection);
  let inFlight: ((error: Error) => void) | undefined;
  const close = () => {
    connection.destroy();
    connection.stream?.destroy?.();
  };
  connection.deskqlAbort = (error) => {
    close();
    inFlight?.(error);
  };
  connection.query = (options: unknown, values?: unknown, callback?: unknown) => {
    // mysql2's query(sql | options, [values], [callback]); knex always passes all three.
    const cb = typeof values === "function" ? values : callback;
    if (typeof cb !== "function") return query(options, values, callback);
    const sql = typeof options === "string" ? options : (options as { sql?: unknown } | null)?.sql;
    let settled = false;
    const wrapped = (...args: unknown[]) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      inFlight = undefined;
      (cb as (...a: unknown[]) => void)(...args);
    };
    const timer = setTimeout(() => {
      close();
      wrapped(new StatementTimeoutError(timeoutMs, isCommit(sql)));
    }, timeoutMs);
    inFlight = wrapped;
    return typeof values === "function" ? query(options, wrapped) : query(options, values, wrapped);
  };
}

/** TransactionDeadline.abort: closes the transaction's connection, so the server rolls it back and its statement in flight fails now. */
export function abortTransaction(tx: EntityManager): void {
  const context = tx.getTransactionContext<{ client?: { acquireConnection?: () => Promise<RawConnection> } }>();
  void context?.client?.acquireConnection?.().then(
    (connection) => (connection.deskqlAbort ? connection.deskqlAbort(new TransactionAbortedError()) : connection.destroy()),
    () => {},
  );
}

export class TransactionAbortedError extends Error {
  readonly code = "DESKQL_STATEMENT_TIMEOUT";
  constructor() {
    super("The transaction ran past its deadline and was rolled back.");
    this.name = "TransactionAbortedError";
  }
}
