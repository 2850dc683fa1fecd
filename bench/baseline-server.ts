import { readFileSync } from "node:fs";
import Fastify, { type FastifyInstance } from "fastify";
import { createPool, type RowDataPacket } from "mysql2/promise";
import type { Sql } from "./b1-queries.js";
import { announceReady, serveParent } from "./child-ipc.js";

/**
 * What the baselines (B1, B2) share: a mysql2 pool with DeskQL's connection settings, a `sql`
 * through which every statement is counted (as DeskQL's per-request counter does), and an HTTPS
 * Fastify app on the benchmark's certificate that counts requests and speaks the parent's protocol.
 */
export function baselineServer(env: NodeJS.ProcessEnv): { app: FastifyInstance; sql: Sql; serve(): Promise<void> } {
  const pool = createPool({ uri: env.DATABASE_URL!, connectionLimit: Number(env.DATABASE_POOL_MAX ?? 10), timezone: "Z", dateStrings: true, supportBigNumbers: true });
  let statements = 0;
  let requests = 0;
  const sql: Sql = async <T extends RowDataPacket>(text: string, params: unknown[]) => {
    statements++;
    const [rows] = await pool.query<T[]>(text, params);
    return rows;
  };
  const app = Fastify({
    https: { key: readFileSync(env.TLS_KEY_FILE!), cert: readFileSync(env.TLS_CERT_FILE!), minVersion: "TLSv1.2" },
    logger: false,
    keepAliveTimeout: 5_000,
  });
  app.addHook("onRequest", async () => {
    requests++;
  });
  /** Listens on a free port of the loopback, then reports to the parent. */
  const serve = async () => {
    await app.listen({ host: "127.0.0.1", port: 0 });
    serveParent({
      counts: () => ({ requests, statements }),
      stop: async () => {
        await app.close();
        await pool.end();
      },
    });
    const address = app.server.address();
    announceReady(typeof address === "object" && address ? address.port : 0);
  };
  return { app, sql, serve };
}
