import { LRUCache } from "lru-cache";
import type { EntityManager } from "@mikro-orm/core";
import { type Role } from "../users/user.role.js";

export interface SessionState {
  active: boolean;
  role: Role;
  userId: string;
}

/**
 * Whether a session may still act, and the user's current role. A verified JWT alone is not
 * enough: logout, revocation, deactivation and role changes must bite at once, not at expiry.
 * Results are cached briefly; this process drops its entries the moment it changes them.
 * (With several instances, another instance's change is seen within CACHE_MS.)
 */
const CACHE_MS = 5_000;

export class ViewerCache {
  private readonly cache = new LRUCache<string, SessionState>({ max: 50_000, ttl: CACHE_MS });
  /**
   * Sessions ("s:<id>") and users ("u:<id>") changed in the last CACHE_MS. Their state is read
   * fresh but not cached: a change is forgotten here before its transaction commits, and a
   * request reading in between still sees the old row; caching that read kept a deactivated
   * user's or a logged-out session's token working for up to CACHE_MS after the change.
   */
  private readonly changed = new LRUCache<string, true>({ max: 50_000, ttl: CACHE_MS });
  /** False only in the benchmark's caches-off ablation: every request reads its session. */
  private readonly enabled: boolean;

  constructor(options: { enabled?: boolean } = {}) {
    this.enabled = options.enabled ?? true;
  }

  /**
   * Reads in flight, by session: when an entry expires under load, the requests that find it
   * missing share one read instead of each sending the same query. A change drops them, so a
   * request arriving after it never joins a read that started before.
   */
  private readonly reading = new Map<string, Promise<SessionState | null>>();

  async sessionState(em: EntityManager, sessionId: string, now = new Date()): Promise<SessionState | null> {
    const cached = this.enabled ? this.cache.get(sessionId) : undefined;
    if (cached) return cached;
    if (!this.enabled) return this.read(em, sessionId, now);
    let pending = this.reading.get(sessionId);
    if (!pending) {
      pending = this.read(em, sessionId, now).finally(() => {
        if (this.reading.get(sessionId) === pending) this.reading.delete(sessionId);
      });
      this.reading.set(sessionId, pending);
    }
    return pending;
  }

  private async read(em: EntityManager, sessionId: string, now: Date): Promise<SessionState | null> {
    const rows = await em.getConnection().execute<{ user_id: string; role: Role; revoked_at: unknown; expires_at: unknown; deactivated_at: unknown }[]>(
      "select s.user_id, u.role, s.revoked_at, s.expires_at, u.deactivated_at from sessions s join users u on u.id = s.user_id where s.id = ?",
      [sessionId],
    );
    const row = rows[0];
    if (!row) return null;
    const expiresAt = new Date(row.expires_at as string);
    const state: SessionState = {
      userId: row.user_id,
      role: row.role,
      active: row.revoked_at == null && row.deactivated_at == null && expiresAt > now,
    };
    if (this.enabled && !this.changed.has(`s:${sessionId}`) && !this.changed.has(`u:${state.userId}`)) this.cache.set(sessionId, state);
    return state;
  }

  forgetSession(sessionId: string): void {
    this.changed.set(`s:${sessionId}`, true);
    this.cache.delete(sessionId);
    this.reading.delete(sessionId);
  }

  forgetUser(userId: string): void {
    this.changed.set(`u:${userId}`, true);
    for (const [sid, state] of this.cache.entries()) if (state.userId === userId) this.cache.delete(sid);
    this.reading.clear(); // whose sessions they are is not known until they return
    for (const listener of this.userListeners) listener(userId);
  }

  /** Other caches of per-user state (API tokens: api-token.auth.ts) drop their entries along with this one. */
  onForgetUser(listener: (userId: string) => void): void {
    this.userListeners.push(listener);
  }

  private readonly userListeners: ((userId: string) => void)[] = [];
}
