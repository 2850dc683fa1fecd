import { randomBytes } from "node:crypto";
import { ConfigError, type AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { Role } from "../../core/identity.js";
import type { RequestScope } from "../../core/scope.js";
import { User } from "../users/user.entity.js";
import type { PasswordHasher } from "./password.hasher.js";
import { passwordProblems } from "./password.policy.js";

export interface FirstAdmin {
  email: string;
  /** Only when generated: shown once, never stored in clear. */
  generatedPassword?: string;
}

/**
 * A desk needs one admin to manage the rest. With no admin yet, one is created from ADMIN_EMAIL
 * and ADMIN_PASSWORD, or with a random password that the first start prints once. Runs at
 * start, in a system scope (no caller): user.created has no actor. The caller holds the startup
 * lock (db/startup-lock.ts), so of replicas started together one creates it and prints its password.
 */
export async function ensureFirstAdmin(scope: RequestScope, events: DomainEvents, config: AppConfig, hasher: PasswordHasher): Promise<FirstAdmin | null> {
  if ((await scope.em.count(User, { role: Role.ADMIN })) > 0) return null;
  const email = (config.admin.email ?? "admin@deskql.localhost").toLowerCase();
  const password = config.admin.password ?? randomBytes(18).toString("base64url");
  if (config.admin.password) {
    // A setting, not user input: refused like any other bad setting (exit code 78).
    const problems = passwordProblems(password, email, config.passwords);
    if (problems.length) throw new ConfigError([`ADMIN_PASSWORD: the password ${problems.join("; ")}`]);
  }
  const existing = await scope.em.findOne(User, { email });
  const passwordHash = await hasher.hash(password);
  await events.transaction(scope, async (tx) => {
    const admin = existing ? tx.em.merge(existing) : tx.em.create(User, { email, displayName: "Administrator", passwordHash, role: Role.ADMIN });
    admin.role = Role.ADMIN;
    admin.emailVerified = true;
    admin.passwordHash = passwordHash;
    await events.raise(tx, {
      type: "user.created",
      actorId: null,
      target: { type: "User", id: admin.id },
      refs: { userId: admin.id },
      visibility: "ADMIN",
      payload: { reason: "first admin", role: Role.ADMIN },
    });
  });
  return { email, generatedPassword: config.admin.password ? undefined : password };
}
