import type { EntityManager } from "@mikro-orm/core";
import { growingLru } from "../../core/growing-lru.js";
import type { CommittedEvent } from "../../core/events/catalog.js";
import type { Role, Viewer } from "../../core/identity.js";
import { hashOpaqueToken } from "../auth/opaque-token.js";
import { parseStoredScopes, type ApiScope } from "./api-scope.js";
import { ApiToken } from "./api-token.entity.js";

interface TokenState {
  tokenId: string;
  userId: string;
  role: Role;
  scopes: ApiScope[];
  expiresAt: Date;
  usable: boolean;
  lastUsedAt: Date | null;
}

/**
 * Like the session cache (viewer-cache.ts): short, dropped at once by what this process changes
 * and by what other replicas change (forgetRevoked, fed by the event tail), and not trusted while
 * that relay is not current.
 */
const CACHE_MS = 5_000;
/** "Last used" is a hint for the owner, not an access log: one write a minute per token at most. */
const LAST_USE_PRECISION_MS = 60_000;

const INVALID = "The API token is invalid, expired or revoked. Create a new one.";

/**
 * Turns `Bearer hd_pat_...` into a viewer: the owner, with the owner's current role and the
 * token's scopes. Revoked and expired tokens, and tokens of deactivated owners, are refused.
 */
export class ApiTokenAuthenticator {
  private readonly cache = growingLru<string, TokenState>(20_000, { ttl: CACHE_MS });
  /**
   * Owners changed in the last CACHE_MS: read fresh, not cached, because they are forgotten
   * before the change commits (as in viewer-cache.ts) and a read in between sees the old row.
   */
  private readonly changedOwners = growingLru<string, true>(20_000, { ttl: CACHE_MS });
  /** Tokens revoked in the last CACHE_MS, likewise: a read racing the revocation must not be cached. */
  private readonly changedTokens = growingLru<string, true>(20_000, { ttl: CACHE_MS });

  private trusted: () => boolean = () => true;

  /** Uses cached entries only while `current()` holds (services.ts: the event tail reads the table). */
  trustWhile(current: () => boolean): void {
    this.trusted = current;
  }

  async authenticate(em: EntityManager, presented: string, ip: string, now: Date): Promise<{ viewer: Viewer | null; problem: string | null }> {
    if (presented.length > 200) return { viewer: null, problem: INVALID };
    const hash = hashOpaqueToken(presented);
    const usable = this.trusted();
    let state = usable ? this.cache.get(hash) : undefined;
    if (!state) {
      const token = await em.findOne(ApiToken, { tokenHash: hash }, { populate: ["user"] });
      if (!token) return { viewer: null, problem: INVALID };
      const owner = token.user.getEntity();
      state = {
        tokenId: token.id,
        userId: owner.id,
        role: owner.role,
        scopes: parseStoredScopes(token.storedScopes),
        expiresAt: token.expiresAt,
        usable: !token.revokedAt && !owner.deactivatedAt,
        lastUsedAt: token.lastUsedAt,
      };
      if (usable && !this.changedOwners.has(owner.id) && !this.changedTokens.has(token.id)) this.cache.set(hash, state);
    }
    if (!state.usable || state.expiresAt <= now) return { viewer: null, problem: INVALID };
    if (!state.lastUsedAt || now.getTime() - state.lastUsedAt.getTime() >= LAST_USE_PRECISION_MS) {
      state.lastUsedAt = now;
      await em.nativeUpdate(ApiToken, { id: state.tokenId }, { lastUsedAt: now, lastUsedIp: ip.slice(0, 64) });
    }
    return {
      viewer: { userId: state.userId, role: state.role, sessionId: `pat:${state.tokenId}`, scopes: state.scopes, apiTokenId: state.tokenId },
      problem: null,
    };
  }

  forgetToken(tokenId: string): void {
    this.changedTokens.set(tokenId, true);
    for (const [hash, state] of this.cache.entries()) if (state.tokenId === tokenId) this.cache.delete(hash);
  }

  /** Forgets the tokens revoked in `events`, committed here or relayed from another replica. */
  forgetRevoked(events: readonly CommittedEvent[]): void {
    for (const event of events) if (event.type === "api_token.revoked") this.forgetToken(event.target.id);
  }

  /** Called when a user's role or status changes (ViewerCache.forgetUser). */
  forgetUser(userId: string): void {
    this.changedOwners.set(userId, true);
    for (const [hash, state] of this.cache.entries()) if (state.userId === userId) this.cache.delete(hash);
  }
}
