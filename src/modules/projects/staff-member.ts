import type { EntityManager } from "@mikro-orm/core";
import { BadUserInputError } from "../../core/errors.js";
import { User } from "../users/user.entity.js";
import { isStaff } from "../../core/identity.js";
import { READ_ONLY } from "../../core/writes.js";

/**
 * The user an input names as a project lead or issue assignee: it must exist, work the desk
 * (agent or admin) and be active. Answers BAD_USER_INPUT on `field` otherwise. Read only: set
 * the relation with `em.getReference(User, user.id)`.
 */
export async function requireStaffMember(em: EntityManager, userId: string, field: string, as: string): Promise<User> {
  const user = await em.findOne(User, { id: userId }, READ_ONLY);
  if (!user) throw new BadUserInputError(`No user has the id "${userId}".`, field);
  if (!isStaff(user.role)) throw new BadUserInputError(`Only agents and admins can be ${as}; ${user.displayName} is a customer.`, field);
  if (user.deactivatedAt) throw new BadUserInputError(`${user.displayName} is deactivated and cannot be ${as}.`, field);
  return user;
}
