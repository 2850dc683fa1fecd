import type { EntityManager, FilterQuery } from "@mikro-orm/core";
import type { RequestMeta } from "../../graphql/context.js";
import { BadUserInputError, ConflictError, NotFoundError } from "../../core/errors.js";
import type { PageArgs } from "../../graphql/connection.types.js";
import { paginate } from "../../db/pagination.js";
import { recordAudit } from "../audit/audit.service.js";
import { AuditAction } from "../audit/audit.actions.js";
import type { SessionService } from "../auth/session.service.js";
import type { ViewerCache } from "../auth/viewer-cache.js";
import { User } from "./user.entity.js";
import type { Role } from "./user.role.js";
import type { UserFilter } from "./user.types.js";

/** Escapes LIKE wildcards so a search for "50%" finds "50%", not everything. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** User administration: listing, roles, unlocking and deactivation. */
export class UserService {
  constructor(
    private readonly sessions: SessionService,
    private readonly viewers: ViewerCache,
  ) {}

  list(em: EntityManager, filter: UserFilter | undefined, page: PageArgs, now = new Date()) {
    const where: FilterQuery<User>[] = [];
    if (filter?.role) where.push({ role: filter.role });
    if (filter?.locked === true) where.push({ lockedUntil: { $gt: now } });
    if (filter?.locked === false) where.push({ $or: [{ lockedUntil: null }, { lockedUntil: { $lte: now } }] });
    if (filter?.deactivated === true) where.push({ deactivatedAt: { $ne: null } });
    if (filter?.deactivated === false) where.push({ deactivatedAt: null });
    const search = filter?.search?.trim();
    if (search) {
      if (search.length > 100) throw new BadUserInputError("The search text must be at most 100 characters.", "filter.search");
      const term = likeEscape(search.toLowerCase());
      where.push({ $or: [{ email: { $like: `${term}%` } }, { displayName: { $like: `%${term}%` } }] });
    }
    return paginate(em, User, where.length ? { $and: where } : {}, { field: "createdAt", direction: "DESC" }, page);
  }

  async setRole(em: EntityManager, request: RequestMeta, actorId: string, userId: string, role: Role): Promise<User> {
    return em.transactional(async (tx) => {
      const user = await this.get(tx, userId);
      if (user.id === actorId) throw new ConflictError("You cannot change your own role; ask another admin.");
      const previous = user.role;
      if (previous === role) return user;
      user.role = role;
      recordAudit(tx, request, { action: AuditAction.ROLE_CHANGED, actorId, targetType: "User", targetId: user.id, details: { from: previous, to: role } });
      await tx.flush();
      this.viewers.forgetUser(user.id);
      return user;
    });
  }

  async unlock(em: EntityManager, request: RequestMeta, actorId: string, userId: string): Promise<User> {
    return em.transactional(async (tx) => {
      const user = await this.get(tx, userId);
      user.lockedUntil = null;
      user.failedLoginCount = 0;
      recordAudit(tx, request, { action: AuditAction.USER_UNLOCKED, actorId, targetType: "User", targetId: user.id });
      await tx.flush();
      return user;
    });
  }

  async deactivate(em: EntityManager, request: RequestMeta, actorId: string, userId: string, now = new Date()): Promise<User> {
    return em.transactional(async (tx) => {
      const user = await this.get(tx, userId);
      if (user.id === actorId) throw new ConflictError("You cannot deactivate your own account.");
      if (!user.deactivatedAt) {
        user.deactivatedAt = now;
        await this.sessions.revokeAllForUser(tx, user.id, "deactivated");
        recordAudit(tx, request, { action: AuditAction.USER_DEACTIVATED, actorId, targetType: "User", targetId: user.id });
        await tx.flush();
      }
      return user;
    });
  }

  private async get(em: EntityManager, userId: string): Promise<User> {
    const user = await em.findOne(User, { id: userId });
    if (!user) throw new NotFoundError("User", userId);
    return user;
  }
}
