import type { EntityManager } from "@mikro-orm/core";
import type { AppConfig } from "../../config.js";
import type { RequestMeta, Viewer } from "../../graphql/context.js";
import { NotFoundError } from "../../core/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import { AuditAction } from "../audit/audit.actions.js";
import { describeDevice } from "./device-name.js";
import type { SessionInfo } from "./my-sessions.types.js";
import { Session } from "./session.entity.js";
import type { SessionService } from "./session.service.js";

/** More than this many live sessions is abnormal; the list shows the most recently active. */
const MAX_LISTED = 100;

/** "Where am I signed in?": the caller's live sessions, and signing them out one by one or all but this one. */
export class MySessionsService {
  constructor(
    private readonly config: AppConfig["jwt"],
    private readonly sessions: SessionService,
  ) {}

  /** Live sessions: not revoked, within their absolute lifetime and not idle past the limit. */
  async list(em: EntityManager, viewer: Viewer, now: Date): Promise<SessionInfo[]> {
    const idleMs = this.config.sessionIdleMinutes * 60_000;
    const rows = await em.find(
      Session,
      { user: viewer.userId, revokedAt: null, expiresAt: { $gt: now }, lastActiveAt: { $gt: new Date(now.getTime() - idleMs) } },
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
        current: s.id === viewer.sessionId,
      };
    });
  }

  /** Ends one of the caller's sessions; someone else's is NOT_FOUND, exactly like a missing one. */
  async revoke(em: EntityManager, request: RequestMeta, viewer: Viewer, sessionId: string, now: Date): Promise<boolean> {
    await em.transactional(async (tx) => {
      const session = await tx.findOne(Session, { id: sessionId, user: viewer.userId, revokedAt: null });
      if (!session) throw new NotFoundError("Session", sessionId);
      await this.sessions.revokeSession(tx, session.id, "revoked", now);
      recordAudit(tx, request, { action: AuditAction.SESSION_REVOKED, actorId: viewer.userId, targetType: "Session", targetId: session.id });
    });
    return true;
  }

  /** Ends every session of the caller except the current one; returns how many ended. */
  async revokeOthers(em: EntityManager, request: RequestMeta, viewer: Viewer, now: Date): Promise<number> {
    return em.transactional(async (tx) => {
      const others = await tx.count(Session, { user: viewer.userId, revokedAt: null, id: { $ne: viewer.sessionId } });
      if (!others) return 0;
      await this.sessions.revokeAllForUser(tx, viewer.userId, "revoked", viewer.sessionId, now);
      recordAudit(tx, request, { action: AuditAction.SESSION_REVOKED, actorId: viewer.userId, targetType: "User", targetId: viewer.userId, details: { others } });
      return others;
    });
  }
}
