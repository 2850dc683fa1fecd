import { randomBytes } from "node:crypto";
import type { EntityManager } from "@mikro-orm/core";
import { ConfigError, type AppConfig } from "../../config.js";
import { recordAudit } from "../audit/audit.service.js";
import { AuditAction } from "../audit/audit.actions.js";
import type { PasswordHasher } from "../auth/password.hasher.js";
import { passwordProblems } from "../auth/password.policy.js";
import { User } from "./user.entity.js";
import { Role } from "./user.role.js";

export interface FirstAdmin {
  email: string;
  /** Only when generated: shown once, never stored in clear. */
  generatedPassword?: string;
}

/**
 * A desk needs one admin to manage the rest. With no admin yet, one is created from ADMIN_EMAIL
 * and ADMIN_PASSWORD, or with a random password that the first start prints once.
 */
export async function ensureFirstAdmin(em: EntityManager, config: AppConfig, hasher: PasswordHasher): Promise<FirstAdmin | null> {
  if ((await em.count(User, { role: Role.ADMIN })) > 0) return null;
  const email = (config.admin.email ?? "admin@deskql.localhost").toLowerCase();
  const password = config.admin.password ?? randomBytes(18).toString("base64url");
  if (config.admin.password) {
    // A setting, not user input: refused like any other bad setting (exit code 78).
    const problems = passwordProblems(password, email, config.passwords);
    if (problems.length) throw new ConfigError([`ADMIN_PASSWORD: the password ${problems.join("; ")}`]);
  }
  const existing = await em.findOne(User, { email });
  await em.transactional(async (tx) => {
    const admin = existing ? tx.merge(existing) : tx.create(User, { email, displayName: "Administrator", passwordHash: "", role: Role.ADMIN });
    admin.role = Role.ADMIN;
    admin.emailVerified = true;
    admin.passwordHash = await hasher.hash(password);
    recordAudit(tx, null, { action: AuditAction.USER_CREATED, targetType: "User", targetId: admin.id, details: { reason: "first admin", role: Role.ADMIN } });
  });
  return { email, generatedPassword: config.admin.password ? undefined : password };
}
