import type { EntityManager } from "@mikro-orm/core";
import type { AppConfig } from "../../config.js";
import { Role } from "../../core/identity.js";
import { MfaRolePolicy } from "./mfa-role-policy.entity.js";

export interface EffectivePolicy {
  role: Role;
  required: boolean;
  graceDays: number;
  /** False when the configuration's default applies (no admin choice stored). */
  custom: boolean;
}

/** A role's policy: the admin's stored choice, else MFA_REQUIRED_ROLES / MFA_GRACE_DAYS. */
export async function policyFor(em: EntityManager, config: AppConfig["mfa"], role: Role): Promise<EffectivePolicy> {
  const stored = await em.findOne(MfaRolePolicy, { role });
  if (stored) return { role, required: stored.required, graceDays: stored.graceDays, custom: true };
  return { role, required: (config.requiredRoles as readonly string[]).includes(role), graceDays: config.graceDays, custom: false };
}

export async function allPolicies(em: EntityManager, config: AppConfig["mfa"]): Promise<EffectivePolicy[]> {
  return Promise.all(Object.values(Role).map((role) => policyFor(em, config, role)));
}

/** When the grace period of someone first asked to enrol at `startedAt` ends. */
export const graceEnd = (startedAt: Date, graceDays: number): Date => new Date(startedAt.getTime() + graceDays * 86_400_000);
