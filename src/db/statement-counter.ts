import { AsyncLocalStorage } from "node:async_hooks";
import type { Orm } from "./orm.js";

interface RequestStats {
  statements: number;
}

const storage = new AsyncLocalStorage<RequestStats>();

/** Since the process started: requests counted, and the statements they sent. */
const totals = { requests: 0, statements: 0 };

/**
 * Counts the SQL statements each request sends, for the request log, the benchmark and the
 * tests that prove a page costs a fixed number of queries whatever its size.
 */
export function countStatements(orm: Orm): void {
  const knex = (orm.em.getConnection() as unknown as { getKnex(): { on(event: string, fn: () => void): void } }).getKnex();
  knex.on("query", countStatement);
}

/** Counts one statement for the current request; for statements sent past knex (src/db/select-rows.ts). */
export function countStatement(): void {
  const stats = storage.getStore();
  if (stats) {
    stats.statements++;
    totals.statements++;
  }
}

/** Runs `fn` (and everything it schedules) with a fresh statement count. */
export function withStatementCount<T>(fn: () => T): T {
  totals.requests++;
  return storage.run({ statements: 0 }, fn);
}

export function currentStatementCount(): number | undefined {
  return storage.getStore()?.statements;
}

/** Process-wide counts, which the benchmark reads before and after a run. */
export function statementTotals(): { requests: number; statements: number } {
  return { ...totals };
}
