import * as jose from "jose";
import type { LRUCache } from "lru-cache";
import { growingLru } from "../../core/growing-lru.js";
import { v7 as uuidv7 } from "uuid";
import type { AppConfig } from "../../config.js";
import { Role } from "../users/user.role.js";
import { SIGNING_ALG, type SigningKeys } from "./signing-keys.js";

const TOKEN_TYPE = "at+jwt"; // RFC 9068: keeps an ID token or another JWT from passing as an access token
const FORBIDDEN_HEADERS = ["jku", "jwk", "x5u", "x5c"]; // key-injection vectors: we only trust our own keys

export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: Role;
  expiresAt: number; // epoch seconds
}

export class AccessTokens {
  /** Verified tokens, so a client's repeated requests pay for the signature check once (null: off, for the benchmark). */
  private readonly verified: LRUCache<string, AccessClaims & { kid: string }> | null;

  constructor(
    private readonly keys: SigningKeys,
    private readonly config: AppConfig["jwt"],
    options: { cache?: boolean } = {},
  ) {
    this.verified = (options.cache ?? true) ? growingLru<string, AccessClaims & { kid: string }>(10_000) : null;
  }

  /** Drops the verified tokens of a session (ended here or on another replica: credential-invalidation.ts). */
  forgetSession(sessionId: string): void {
    if (!this.verified) return;
    for (const [token, claims] of this.verified.entries()) if (claims.sessionId === sessionId) this.verified.delete(token);
  }

  /** Drops the verified tokens of a user, whose role or status changed. */
  forgetUser(userId: string): void {
    if (!this.verified) return;
    for (const [token, claims] of this.verified.entries()) if (claims.userId === userId) this.verified.delete(token);
  }

  get ttlSeconds(): number {
    return this.config.accessTokenTtlSeconds;
  }

  async sign(userId: string, sessionId: string, role: Role): Promise<string> {
    const { kid, key } = this.keys.signingKey();
    return new jose.SignJWT({ sid: sessionId, role })
      .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: TOKEN_TYPE })
      .setIssuer(this.config.issuer)
      .setAudience(this.config.audience)
      .setSubject(userId)
      .setJti(uuidv7())
      .setIssuedAt()
      .setExpirationTime(`${this.config.accessTokenTtlSeconds}s`)
      .sign(key);
  }

  /** Returns the claims of a valid token, or null for anything else (never throws). */
  async verify(token: string): Promise<AccessClaims | null> {
    const now = Math.floor(Date.now() / 1000);
    const cached = this.verified?.get(token);
    if (cached) {
      // A key retired since (keys:rotate --retire-previous, for a leaked key) takes its tokens with it.
      if (cached.expiresAt > now && this.keys.trusts(cached.kid)) return cached;
      this.verified!.delete(token);
      return null;
    }
    try {
      const header = jose.decodeProtectedHeader(token);
      if (header.alg !== SIGNING_ALG || FORBIDDEN_HEADERS.some((h) => h in header)) return null;
      const key = await this.keys.verificationKey(header.kid);
      if (!key) return null;
      const { payload } = await jose.jwtVerify(token, key, {
        algorithms: [SIGNING_ALG],
        issuer: this.config.issuer,
        audience: this.config.audience,
        typ: TOKEN_TYPE,
        requiredClaims: ["sub", "sid", "jti", "iat", "exp", "role"],
      });
      const role = payload.role as Role;
      if (typeof payload.sid !== "string" || !Object.values(Role).includes(role)) return null;
      const claims: AccessClaims = { userId: payload.sub!, sessionId: payload.sid, role, expiresAt: payload.exp! };
      this.verified?.set(token, { ...claims, kid: header.kid! });
      return claims;
    } catch {
      return null;
    }
  }
}
