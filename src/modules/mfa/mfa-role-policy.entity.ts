import { Entity, Enum, Property, Unique } from "@mikro-orm/core";
import { Role } from "../../core/identity.js";
import { BaseEntity } from "../../db/base.entity.js";

/**
 * An admin's choice for one role: whether its members must have a second factor, and how many
 * days each has to enrol once asked. A role without a row follows the configuration's default
 * (MFA_REQUIRED_ROLES, MFA_GRACE_DAYS).
 */
@Entity({ tableName: "mfa_role_policies" })
export class MfaRolePolicy extends BaseEntity {
  @Unique({ name: "mfa_role_policies_role_unique" })
  @Enum({ items: () => Role, nativeEnumName: "mfa_policy_role" })
  role!: Role;

  @Property({ type: "boolean" })
  required!: boolean;

  @Property({ type: "integer" })
  graceDays!: number;
}
