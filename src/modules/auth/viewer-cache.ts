import { growingLru } from "../../core/growing-lru.js";
import type { EntityManager } from "@mikro-orm/core";
import { type Role } from "../users/user.role.js";

export interface SessionState {
  active: boolean;
  role: Role;
  userId: string;
  /** Epoch ms when the session ends by itself: its absolute expiry or its idle timeout, whichever comes first. */
  activeUntil: number;
}

/**
 * Whether a session may still act, and the user's current role. A verified JWT alone is not
 * enough: logout, revocation, deactivation and role changes must bite at once, not at expiry.
 * Results are cached briefly; this process drops its entries the moment it changes them, and
 * every other replica when the event tail relays the change (credential-invalidation.ts). While
 * that relay is not current (it cannot read the events table), entries are not trusted: every
 * request reads its session, so another replica's change is never seen later than CACHE_MS.
 */
const CACHE_MS = 5_000;

export class ViewerCache {
  private readonly cache = growingLru<string, SessionState>(50_000, { ttl: CACHE_MS });
  /**
   * Sessions ("s:<id>") and users ("u:<id>") changed in the last CACHE_MS. Their state is read
   * fresh but not cached: a change is forgotten here before its transaction commits, and a
   * request reading in between still sees the old row; caching that read kept a deactivated
   * user's or a logged-out session's token working for up to CACHE_MS after the change.
   */
  private readonly changed = growingLru<string, true>(50_000, { ttl: CACHE_MS });
  /** False only in the benchmark's caches-off ablation: every request reads its session. */
  private readonly enabled: boolean;

  /** Whether cached entries may be used now (the replica relay is current); always, by default. */
  private trusted: () => boolean = () => true;

  /** SESSION_IDLE_MINUTES: a session idle that long is over, and so are its access tokens. */
  private readonly idleMs: number;

  constructor(options: { enabled?: boolean; idleMinutes?: number } = {}) {
    this.enabled = options.enabled ?? true;
    this.idleMs = (options.idleMinutes ?? Infinity) * 60_000;
  }

  /** Uses cached entries only while `current()` holds (services.ts: the event tail reads the table). */
  trustWhile(current: () => boolean): void {
    this.trusted = current;
  }

  /**
   * Reads in flight, by session: when an entry expires under load, the requests that find it
   * missing share one read instead of each sending the same query. A change drops them, so a
   * request arriving after it never joins a read that started before.
   */
  private readonly reading = new Map<string, Promise<SessionState | null>>();

  async sessionState(em: EntityManager, sessionId: string, now = new Date()): Promise<SessionState | null> {
    const usable = this.enabled && this.trusted();
    // An entry past its session's end is read again: a refresh since may have moved the idle end.
    const cached = usable ? this.cache.get(sessionId) : undefined;
    if (cached && (!cached.active || cached.activeUntil > now.getTime())) return cached;
    if (!usable) return this.read(em, sessionId, now);
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
    const rows = await em.getConnection().execute<{ user_id: string; role: Role; revoked_at: unknown; expires_at: unknown; last_active_at: unknown; deactivated_at: unknown }[]>(
      "select s.user_id, u.role, s.revoked_at, s.expires_at, s.last_active_at, u.deactivated_at from sessions s join users u on u.id = s.user_id where s.id = ?",
      [sessionId],
    );
    const row = rows[0];
    if (!row) return null;
    const expiresAt = new Date(row.expires_at as string);
    // Idle past SESSION_IDLE_MINUTES ends the session as a revocation would (the refresh is refused too).
    const activeUntil = Math.min(expiresAt.getTime(), new Date(row.last_active_at as string).getTime() + this.idleMs);
    const state: SessionState = {
      userId: row.user_id,
      role: row.role,
      active: row.revoked_at == null && row.deactivated_at == null && activeUntil > now.getTime(),
      activeUntil,
    };
    if (this.enabled && this.trusted() && !this.changed.has(`s:${sessionId}`) && !this.changed.has(`u:${state.userId}`)) this.cache.set(sessionId, state);
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
