import { readFileSync } from "node:fs";
import Fastify from "fastify";
import * as jose from "jose";
import { createPool, type RowDataPacket } from "mysql2/promise";
import type { Role } from "../src/modules/users/user.role.js";
import { queue, ticket, type Sql } from "./b1-queries.js";
import { announceReady, serveParent } from "./child-ipc.js";
import { QUEUE, TICKET } from "./documents.js";

/**
 * B1, the practical limit: a hand-written HTTPS handler (Fastify, mysql2, the same certificate)
 * that answers Q1 and Q2 with the same bytes as DeskQL from the fewest SQL statements. It
 * authenticates like DeskQL (EdDSA JWT checked once per token, session and role read through a
 * 5-second cache), so the comparison is about everything else.
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

const jwks = jose.createLocalJWKSet(JSON.parse(env.B1_JWKS!) as jose.JSONWebKeySet);
const verified = new Map<string, { userId: string; sessionId: string; exp: number }>();
const sessions = new Map<string, { at: number; state: { userId: string; role: Role; active: boolean } | null }>();

async function viewer(authorization: string | undefined): Promise<{ userId: string; role: Role } | null> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!token) return null;
  const now = Date.now();
  let claims = verified.get(token);
  if (!claims) {
    try {
      const { payload } = await jose.jwtVerify(token, jwks, { issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, typ: "at+jwt" });
      claims = { userId: payload.sub!, sessionId: String(payload.sid), exp: payload.exp! * 1000 };
      verified.set(token, claims);
    } catch {
      return null;
    }
  }
  if (claims.exp <= now) return null;
  let cached = sessions.get(claims.sessionId);
  if (!cached || now - cached.at > 5_000) {
    const rows = await sql<RowDataPacket>(
      "select s.user_id, u.role, s.revoked_at, s.expires_at, u.deactivated_at from sessions s join users u on u.id = s.user_id where s.id = ?",
      [claims.sessionId],
    );
    const row = rows[0];
    const state = row ? { userId: row.user_id as string, role: row.role as Role, active: row.revoked_at == null && row.deactivated_at == null && new Date(`${String(row.expires_at).replace(" ", "T")}Z`).getTime() > now } : null;
    sessions.set(claims.sessionId, (cached = { at: now, state }));
  }
  const state = cached.state;
  return state && state.active && state.userId === claims.userId ? { userId: state.userId, role: state.role } : null;
}

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
