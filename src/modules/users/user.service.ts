import type { FilterQuery } from "@mikro-orm/core";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { Role } from "../../core/identity.js";
import { BadUserInputError, ConflictError, NotFoundError } from "../../core/errors.js";
import type { PageRequest } from "../../core/paging.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { paginate } from "../../db/pagination.js";
import { contains, startsWith } from "../../db/text-match.js";
import { User } from "./user.entity.js";

export interface UserListFilter {
  role?: Role | null;
  locked?: boolean | null;
  deactivated?: boolean | null;
  search?: string | null;
}

/**
 * User administration: listing, roles, unlocking and deactivation. What follows for sessions
 * (ending them, forgetting a cached role) is the auth module's reaction to these events.
 */
export class UserService {
  constructor(private readonly events: DomainEvents) {}

  list(scope: RequestScope, filter: UserListFilter | undefined, page: PageRequest) {
    const now = scope.clock.now();
    const where: FilterQuery<User>[] = [];
    if (filter?.role) where.push({ role: filter.role });
    if (filter?.locked === true) where.push({ lockedUntil: { $gt: now } });
    if (filter?.locked === false) where.push({ $or: [{ lockedUntil: null }, { lockedUntil: { $lte: now } }] });
    if (filter?.deactivated === true) where.push({ deactivatedAt: { $ne: null } });
    if (filter?.deactivated === false) where.push({ deactivatedAt: null });
    const search = filter?.search?.trim();
    if (search) {
      if (search.length > 100) throw new BadUserInputError("The search text must be at most 100 characters.", "filter.search");
      const term = search.toLowerCase();
      where.push({ $or: [{ email: startsWith(term) }, { displayName: contains(term) }] });
    }
    return paginate(scope.em, User, where.length ? { $and: where } : {}, { field: "createdAt", direction: "DESC" }, page);
  }

  async setRole(scope: RequestScope, userId: string, role: Role): Promise<User> {
    const actor = requireViewer(scope);
    return this.events.transaction(scope, async (tx) => {
      const user = await this.get(tx, userId);
      if (user.id === actor.userId) throw new ConflictError("You cannot change your own role; ask another admin.");
      const previous = user.role;
      if (previous === role) return user;
      user.role = role;
      await this.events.raise(tx, { type: "user.role_changed", ...administered(user), payload: { from: previous, to: role } });
      return user;
    });
  }

  async unlock(scope: RequestScope, userId: string): Promise<User> {
    return this.events.transaction(scope, async (tx) => {
      const user = await this.get(tx, userId);
      user.lockedUntil = null;
      user.failedLoginCount = 0;
      await this.events.raise(tx, { type: "user.unlocked", ...administered(user), payload: {} });
      return user;
    });
  }

  async deactivate(scope: RequestScope, userId: string): Promise<User> {
    const actor = requireViewer(scope);
    return this.events.transaction(scope, async (tx) => {
      const user = await this.get(tx, userId);
      if (user.id === actor.userId) throw new ConflictError("You cannot deactivate your own account.");
      if (!user.deactivatedAt) {
        user.deactivatedAt = tx.clock.now();
        await this.events.raise(tx, { type: "user.deactivated", ...administered(user), payload: {} });
      }
      return user;
    });
  }

  /** Lets a deactivated account sign in again (its old sessions stay ended); the user is emailed (invitations module). */
  async reactivate(scope: RequestScope, userId: string): Promise<User> {
    return this.events.transaction(scope, async (tx) => {
      const user = await this.get(tx, userId);
      if (user.deactivatedAt) {
        user.deactivatedAt = null;
        user.failedLoginCount = 0;
        user.lockedUntil = null;
        await this.events.raise(tx, { type: "user.reactivated", ...administered(user), payload: {} });
      }
      return user;
    });
  }

  private async get(scope: RequestScope, userId: string): Promise<User> {
    const user = await scope.em.findOne(User, { id: userId });
    if (!user) throw new NotFoundError("User", userId);
    return user;
  }
}

/** An admin's change to an account: the actor is the admin (the scope's viewer). */
function administered(user: User) {
  return { target: { type: "User", id: user.id }, refs: { userId: user.id }, visibility: "ADMIN" as const };
}
