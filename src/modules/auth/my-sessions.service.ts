import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { NotFoundError } from "../../core/errors.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { describeDevice } from "./device-name.js";
import type { SessionInfo } from "./my-sessions.types.js";
import { Session } from "./session.entity.js";
import { User } from "../users/user.entity.js";
import type { SessionService } from "./session.service.js";

/** More than this many live sessions is abnormal; the list shows the most recently active. */
const MAX_LISTED = 100;

/** "Where am I signed in?": the caller's live sessions, and signing them out one by one or all but this one. */
export class MySessionsService {
  constructor(
    private readonly config: AppConfig["jwt"],
    private readonly sessions: SessionService,
    private readonly events: DomainEvents,
  ) {}

  /** Live sessions: not revoked, within their absolute lifetime and not idle past the limit. */
  list(scope: RequestScope): Promise<SessionInfo[]> {
    const viewer = requireViewer(scope);
    return this.liveSessions(scope, viewer.userId, viewer.sessionId);
  }

  /** An admin's view of another user's live sessions (none is "current" unless it is the admin's own). */
  async listOf(scope: RequestScope, userId: string): Promise<SessionInfo[]> {
    const viewer = requireViewer(scope);
    if (!(await scope.em.count(User, { id: userId }))) throw new NotFoundError("User", userId);
    return this.liveSessions(scope, userId, viewer.sessionId);
  }

  /** An admin ends one of a user's sessions; a session of someone else (or none) is NOT_FOUND. */
  async revokeOf(scope: RequestScope, userId: string, sessionId: string): Promise<boolean> {
    const viewer = requireViewer(scope);
    await this.events.transaction(scope, async (tx) => {
      const session = await tx.em.findOne(Session, { id: sessionId, user: userId, revokedAt: null });
      if (!session) throw new NotFoundError("Session", sessionId);
      await this.sessions.revokeSession(tx, session.id, "revoked");
      await this.events.raise(tx, {
        type: "session.revoked",
        actorId: viewer.userId,
        target: { type: "Session", id: session.id },
        refs: { userId },
        visibility: "ADMIN",
        payload: {},
      });
    });
    return true;
  }

  private async liveSessions(scope: RequestScope, userId: string, currentSessionId: string | null | undefined): Promise<SessionInfo[]> {
    const now = scope.clock.now();
    const idleMs = this.config.sessionIdleMinutes * 60_000;
    const rows = await scope.em.find(
      Session,
      { user: userId, revokedAt: null, expiresAt: { $gt: now }, lastActiveAt: { $gt: new Date(now.getTime() - idleMs) } },
      { orderBy: { lastActiveAt: "DESC", id: "DESC" }, limit: MAX_LISTED },
    );
    return rows.map((s) => {
      const device = describeDevice(s.userAgent);
      return {
        id: s.id,
        device: device.label,
        browser: device.browser,
        os: device.os,
        userAgent: s.userAgent,
        ip: s.ip,
        createdAt: s.createdAt,
        lastActiveAt: s.lastActiveAt,
        expiresAt: s.expiresAt,
        idleExpiresAt: new Date(Math.min(s.lastActiveAt.getTime() + idleMs, s.expiresAt.getTime())),
        current: s.id === currentSessionId,
      };
    });
  }

  /** Ends one of the caller's sessions; someone else's is NOT_FOUND, exactly like a missing one. */
  async revoke(scope: RequestScope, sessionId: string): Promise<boolean> {
    const viewer = requireViewer(scope);
    await this.events.transaction(scope, async (tx) => {
      const session = await tx.em.findOne(Session, { id: sessionId, user: viewer.userId, revokedAt: null });
      if (!session) throw new NotFoundError("Session", sessionId);
      await this.sessions.revokeSession(tx, session.id, "revoked");
      await this.events.raise(tx, {
        type: "session.revoked",
        actorId: viewer.userId,
        target: { type: "Session", id: session.id },
        refs: { userId: viewer.userId },
        visibility: "ADMIN",
        payload: {},
      });
    });
    return true;
  }

  /** Ends every session of the caller except the current one; returns how many ended. */
  async revokeOthers(scope: RequestScope): Promise<number> {
    const viewer = requireViewer(scope);
    return this.events.transaction(scope, async (tx) => {
      const others = await tx.em.count(Session, { user: viewer.userId, revokedAt: null, id: { $ne: viewer.sessionId } });
      if (!others) return 0;
      await this.sessions.revokeAllForUser(tx, viewer.userId, "revoked", viewer.sessionId);
      await this.events.raise(tx, {
        type: "session.revoked",
        actorId: viewer.userId,
        target: { type: "User", id: viewer.userId },
        refs: { userId: viewer.userId },
        visibility: "ADMIN",
        payload: { others },
      });
      return others;
    });
  }
}
