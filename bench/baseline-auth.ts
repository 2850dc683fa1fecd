import * as jose from "jose";
import type { RowDataPacket } from "mysql2/promise";
import type { Role } from "../src/modules/users/user.role.js";
import type { Sql } from "./b1-queries.js";

export interface BaselineViewer {
  userId: string;
  role: Role;
}

/**
 * How the baselines (B1, B2) authenticate, as DeskQL does: an EdDSA JWT checked once per token,
 * the session and role read through a 5-second cache. Both baselines share it, so the
 * comparison with DeskQL is about everything else.
 */
export function baselineAuth(sql: Sql, env: NodeJS.ProcessEnv): (authorization: string | undefined) => Promise<BaselineViewer | null> {
  const jwks = jose.createLocalJWKSet(JSON.parse(env.B1_JWKS!) as jose.JSONWebKeySet);
  const verified = new Map<string, { userId: string; sessionId: string; exp: number }>();
  const sessions = new Map<string, { at: number; state: { userId: string; role: Role; active: boolean } | null }>();

  return async (authorization) => {
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
  };
}
