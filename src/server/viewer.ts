import type { EntityManager } from "@mikro-orm/core";
import type { Viewer } from "../core/identity.js";
import { API_TOKEN_PREFIX } from "../modules/api-tokens/api-token.service.js";
import type { Services } from "../services.js";

export interface Authentication {
  viewer: Viewer | null;
  /** Set when a credential was presented but not accepted. */
  problem: string | null;
}

export const ANONYMOUS: Authentication = { viewer: null, problem: null };

/** RFC 6750 §3.1: the challenge that goes with a 401 for a token that was presented but not accepted. */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

/**
 * Who is calling: a Bearer access token whose session is still live. The role comes from the
 * database (cached briefly), so a demotion or deactivation applies to tokens already issued.
 */
export async function authenticate(services: Services, em: EntityManager, authorization: string | undefined, ip = "unknown"): Promise<Authentication> {
  if (!authorization) return ANONYMOUS;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{10,4096})$/i.exec(authorization.trim());
  if (!match) return { viewer: null, problem: 'The Authorization header must be "Bearer <access token>".' };
  // Personal API tokens (hd_pat_...) work wherever an access token does, narrowed by their scopes.
  if (match[1]!.startsWith(API_TOKEN_PREFIX)) return services.apiTokenAuth.authenticate(em, match[1]!, ip, services.clock.now());
  const claims = await services.accessTokens.verify(match[1]!);
  if (!claims) return { viewer: null, problem: "The access token is invalid or expired. Refresh it or sign in again." };
  const session = await services.viewers.sessionState(em, claims.sessionId, services.clock.now());
  if (!session || !session.active || session.userId !== claims.userId) {
    return { viewer: null, problem: "The session of this access token has ended. Sign in again." };
  }
  return { viewer: { userId: claims.userId, role: session.role, sessionId: claims.sessionId }, problem: null };
}
