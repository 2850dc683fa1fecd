import type { EntityManager } from "@mikro-orm/core";
import type { LRUCache } from "lru-cache";
import { growingLru } from "../../core/growing-lru.js";
import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { UnauthenticatedError } from "../../core/errors.js";
import type { RequestScope } from "../../core/scope.js";
import { type User } from "../users/user.entity.js";
import type { AccessTokens } from "./access-token.js";
import { hashOpaqueToken, newOpaqueToken } from "./opaque-token.js";
import { RefreshToken } from "./refresh-token.entity.js";
import { Session } from "./session.entity.js";
import type { ViewerCache } from "./viewer-cache.js";

export const REFRESH_TOKEN_PREFIX = "hd_rt_";

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
  session: Session;
}

/** What a refresh answered, kept for the reuse grace: the same pair for the same client. */
interface Rotation {
  client: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export type RevokeReason = "logout" | "refresh_token_reuse" | "password_changed" | "deactivated" | "revoked" | "password_reset";

/**
 * Sessions and their refresh-token families: creation at sign-in, rotation on every refresh,
 * reuse detection, and revocation that stops the session's access tokens at once.
 */
export class SessionService {
  /**
   * Refreshes answered in the last REFRESH_REUSE_GRACE_SECONDS (or still running), by the hash
   * of the token they exchanged. Two tabs or a retried request present one token twice within
   * milliseconds; RFC 9700 4.14.2 reuse detection would end the session for it. Held in
   * memory: a replay that reaches another replica (or follows a restart) is reuse as before.
   */
  private readonly rotations: LRUCache<string, Promise<Rotation>>;

  constructor(
    private readonly config: AppConfig["jwt"],
    private readonly accessTokens: AccessTokens,
    private readonly viewers: ViewerCache,
    private readonly events: DomainEvents,
  ) {
    // The business clock decides the grace (rotatedAt); the real-time TTL only bounds memory.
    this.rotations = growingLru(20_000, { ttl: Math.max(1, config.refreshReuseGraceSeconds) * 1000 + 60_000 });
  }

  /** Opens a session for `user` in the scope's transaction (flushed by it) and signs its tokens. */
  async open(scope: RequestScope, user: User): Promise<IssuedTokens> {
    const { em, request } = scope;
    const now = scope.clock.now();
    const session = em.create(Session, {
      user,
      ip: request.ip,
      userAgent: request.userAgent?.slice(0, 512) ?? null,
      lastActiveAt: now,
      expiresAt: new Date(now.getTime() + this.config.refreshTokenTtlDays * 86_400_000),
    });
    const refreshToken = this.newRefreshToken(em, session, session.expiresAt);
    return { ...(await this.sign(user, session)), refreshToken, user, session };
  }

  /**
   * Exchanges a refresh token for a new pair. A token that was already exchanged means it
   * leaked (or a client replayed it): the whole family is revoked and refresh_token.reused raised,
   * unless the same client presents it again within REFRESH_REUSE_GRACE_SECONDS (the same pair).
   */
  async refresh(scope: RequestScope, presented: string): Promise<IssuedTokens> {
    if (!presented.startsWith(REFRESH_TOKEN_PREFIX) || presented.length > 200) {
      throw new UnauthenticatedError("The refresh token is not valid: malformed. Sign in again.", { reason: "malformed" });
    }
    const tokenHash = hashOpaqueToken(presented);
    const client = `${scope.request.ip}\n${scope.request.userAgent ?? ""}`;
    if (this.config.refreshReuseGraceSeconds === 0) return this.exchange(scope, tokenHash, client, undefined);
    // The same token again while its exchange runs or just ran: that exchange's pair, if in grace.
    const running = this.rotations.get(tokenHash);
    if (running) return this.exchange(scope, tokenHash, client, running);
    const exchange = this.exchange(scope, tokenHash, client, undefined);
    // Registered with no await since the lookup, so a second request always finds this one.
    const rotation = exchange.then(({ accessToken, refreshToken, expiresIn }) => ({ client, accessToken, refreshToken, expiresIn }));
    rotation.catch(() => {
      if (this.rotations.get(tokenHash) === rotation) this.rotations.delete(tokenHash);
    });
    this.rotations.set(tokenHash, rotation);
    return exchange;
  }

  private async exchange(scope: RequestScope, tokenHash: string, client: string, running: Promise<Rotation> | undefined): Promise<IssuedTokens> {
    const { em } = scope;
    const now = scope.clock.now();
    const invalid = (reason: string) => new UnauthenticatedError(`The refresh token is not valid: ${reason}. Sign in again.`, { reason });
    const stored = await em.findOne(RefreshToken, { tokenHash }, { populate: ["session", "session.user"] });
    if (!stored) throw invalid("unknown");
    const session = stored.session.getEntity();
    const user = session.user.getEntity();

    if (stored.rotatedAt || running) {
      const again = await this.withinGrace(running, stored.rotatedAt ?? now, now, client);
      if (again && !session.revokedAt) return { ...again, user, session };
    }
    if (stored.rotatedAt) {
      if (!session.revokedAt) {
        const rotatedAt = stored.rotatedAt;
        await this.events.transaction(scope, async (tx) => {
          await this.revokeWhere(tx.em, { id: session.id }, "refresh_token_reuse", now);
          await this.events.raise(tx, {
            type: "refresh_token.reused",
            actorId: user.id,
            target: { type: "Session", id: session.id },
            refs: { userId: user.id },
            visibility: "ADMIN",
            payload: { rotatedAt: rotatedAt.toISOString() },
          });
        });
      }
      throw invalid("already used; the session was ended to protect the account");
    }
    if (session.revokedAt) throw invalid("the session was ended");
    if (user.deactivatedAt) throw invalid("the account is deactivated");
    if (session.expiresAt <= now || stored.expiresAt <= now) throw invalid("the session reached its maximum lifetime");
    const idleLimit = session.lastActiveAt.getTime() + this.config.sessionIdleMinutes * 60_000;
    if (idleLimit <= now.getTime()) throw invalid("the session was idle for too long");

    return this.events.transaction(scope, async ({ em: tx }) => {
      // Compare-and-set: of two concurrent refreshes with one token, exactly one updates the row.
      const won = await tx.nativeUpdate(RefreshToken, { id: stored.id, rotatedAt: null }, { rotatedAt: now });
      if (won !== 1) throw invalid("already used");
      const liveSession = tx.getReference(Session, session.id);
      await tx.nativeUpdate(Session, { id: session.id }, { lastActiveAt: now });
      const refreshToken = this.newRefreshToken(tx, liveSession, session.expiresAt);
      return { ...(await this.sign(user, session)), refreshToken, user, session };
    });
  }

  /**
   * The pair a refresh of this token answered, if the same client presents it again within
   * REFRESH_REUSE_GRACE_SECONDS of that exchange (by the business clock); null otherwise.
   */
  private async withinGrace(running: Promise<Rotation> | undefined, rotatedAt: Date, now: Date, client: string): Promise<Omit<Rotation, "client"> | null> {
    if (!running || now.getTime() - rotatedAt.getTime() > this.config.refreshReuseGraceSeconds * 1000) return null;
    const rotation = await running.catch(() => null);
    if (!rotation || rotation.client !== client) return null;
    return { accessToken: rotation.accessToken, refreshToken: rotation.refreshToken, expiresIn: rotation.expiresIn };
  }

  /** Revokes the session a refresh token belongs to. Unknown tokens are ignored (logout is idempotent). */
  async revokeByRefreshToken(scope: RequestScope, presented: string): Promise<Session | null> {
    const stored = await scope.em.findOne(RefreshToken, { tokenHash: hashOpaqueToken(presented) }, { populate: ["session"] });
    if (!stored) return null;
    await this.revokeWhere(scope.em, { id: stored.session.id }, "logout", scope.clock.now());
    return stored.session.getEntity();
  }

  async revokeSession(scope: RequestScope, sessionId: string, reason: RevokeReason): Promise<void> {
    await this.revokeWhere(scope.em, { id: sessionId }, reason, scope.clock.now());
  }

  /** Ends every live session of a user, optionally keeping one (the caller's own). */
  async revokeAllForUser(scope: RequestScope, userId: string, reason: RevokeReason, exceptSessionId?: string): Promise<void> {
    const where = exceptSessionId ? { user: userId, id: { $ne: exceptSessionId } } : { user: userId };
    await this.revokeWhere(scope.em, where, reason, scope.clock.now());
    this.viewers.forgetUser(userId);
  }

  private async revokeWhere(em: EntityManager, where: object, reason: RevokeReason, now: Date): Promise<void> {
    const ids = (await em.find(Session, { ...where, revokedAt: null }, { fields: ["id"] })).map((s) => s.id);
    if (!ids.length) return;
    await em.nativeUpdate(Session, { id: { $in: ids } }, { revokedAt: now, revokedReason: reason });
    ids.forEach((id) => this.viewers.forgetSession(id));
  }

  /** A family member lives no longer than its session. */
  private newRefreshToken(em: EntityManager, session: Session, expiresAt: Date): string {
    const token = newOpaqueToken(REFRESH_TOKEN_PREFIX);
    em.create(RefreshToken, { session, tokenHash: hashOpaqueToken(token), expiresAt });
    return token;
  }

  private async sign(user: User, session: Session): Promise<{ accessToken: string; expiresIn: number }> {
    return { accessToken: await this.accessTokens.sign(user.id, session.id, user.role), expiresIn: this.accessTokens.ttlSeconds };
  }
}
