import { readFileSync } from "node:fs";
import Fastify from "fastify";
import { createPool, type RowDataPacket } from "mysql2/promise";
import { queue, ticket, type Sql } from "./b1-queries.js";
import { baselineAuth } from "./baseline-auth.js";
import { announceReady, serveParent } from "./child-ipc.js";
import { QUEUE, TICKET } from "./documents.js";

/**
 * B1, the practical limit: a hand-written HTTPS handler (Fastify, mysql2, the same certificate)
 * that answers Q1 and Q2 with the same bytes as DeskQL from the fewest and cheapest SQL
 * statements either side has found (b1-queries.ts). It authenticates like DeskQL
 * (baseline-auth.ts), so the comparison is about everything else.
 */
const env = process.env;
const pool = createPool({ uri: env.DATABASE_URL!, connectionLimit: Number(env.DATABASE_POOL_MAX ?? 10), timezone: "Z", dateStrings: true, supportBigNumbers: true });
let statements = 0;
let requests = 0;
/** Every statement goes through here, so B1 counts them as DeskQL's per-request counter does. */
const sql: Sql = async <T extends RowDataPacket>(text: string, params: unknown[]) => {
  statements++;
  const [rows] = await pool.query<T[]>(text, params);
  return rows;
};

const viewer = baselineAuth(sql, env);

const app = Fastify({
  https: { key: readFileSync(env.TLS_KEY_FILE!), cert: readFileSync(env.TLS_CERT_FILE!), minVersion: "TLSv1.2" },
  logger: false,
  keepAliveTimeout: 5_000,
});
app.addHook("onRequest", async () => {
  requests++;
});
const unauthenticated = '{"errors":[{"message":"Authentication required.","extensions":{"code":"UNAUTHENTICATED"}}],"data":null}\n';
app.post("/graphql", async (request, reply) => {
  reply.type("application/json; charset=utf-8");
  const { query, variables } = request.body as { query?: string; variables?: Record<string, unknown> };
  const who = await viewer(request.headers.authorization);
  if (!who) return reply.send(unauthenticated);
  if (who.role !== "AGENT" && who.role !== "ADMIN") return reply.code(400).send('{"errors":[{"message":"B1 serves staff only"}]}\n');
  if (query === QUEUE) return reply.send(await queue(sql, Number(variables?.first)));
  if (query === TICKET) {
    const body = await ticket(sql, String(variables?.id), who);
    return body ? reply.send(body) : reply.code(404).send('{"errors":[{"message":"not found"}]}\n');
  }
  return reply.code(400).send('{"errors":[{"message":"B1 answers only the benchmark documents Q1 and Q2"}]}\n');
});

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
