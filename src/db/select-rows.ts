import type { EntityManager } from "@mikro-orm/core";
import { MySqlConnection } from "@mikro-orm/mysql";
import { countStatement } from "./statement-counter.js";

interface PooledMysql2Connection {
  query(sql: string, values: readonly unknown[], callback: (error: Error | null, rows: unknown) => void): void;
}
interface KnexClient {
  acquireConnection(): Promise<PooledMysql2Connection>;
  releaseConnection(connection: PooledMysql2Connection): Promise<void>;
}

/**
 * Set while tracing is on (server/observability/tracing.sql.ts): a statement on the fast path
 * below, which knex's events never see, gets its span from here. Off, it costs one property read.
 */
export const selectRowsTracing: { statement: ((sql: string) => (error?: unknown) => void) | null } = { statement: null };

/**
 * A read-only SELECT for the snapshot loaders (read-rows.ts), as rows.
 *
 * On MySQL/MariaDB outside a transaction it runs on a connection taken straight from the pool
 * MikroORM already holds: MikroORM's and knex's layers around one statement (inlining the
 * parameters, the query runner, logging hooks, events) cost about as much Node CPU as mysql2
 * reading the rows, and a page like Q2 in bench/ sends four statements. Rows come back exactly
 * as on the usual path (same connection settings: UTC, dateStrings, big numbers as strings).
 * Inside a transaction, on SQLite, and with query logging on (DATABASE_DEBUG), it takes
 * MikroORM's path.
 */
export async function selectRows<T = Record<string, unknown>>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const connection = em.getConnection();
  if (!(connection instanceof MySqlConnection) || em.isInTransaction() || em.config.get("debug")) {
    return (await em.getConnection().execute(sql, [...params])) as T[];
  }
  const client = (connection.getKnex() as unknown as { client: KnexClient }).client;
  const pooled = await client.acquireConnection();
  countStatement();
  const traced = selectRowsTracing.statement?.(sql);
  try {
    const rows = await new Promise<T[]>((resolve, reject) => pooled.query(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));
    traced?.();
    return rows;
  } catch (error) {
    traced?.(error);
    throw error;
  } finally {
    await client.releaseConnection(pooled);
  }
}
