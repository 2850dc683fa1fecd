import { BigIntType, Entity, OneToOne, Property, type Ref } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";

/**
 * One account's second-factor state: its TOTP secret (encrypted at rest, secret-box.ts), the
 * last time-step a code was accepted for (so a code cannot be replayed within its window), and
 * when a role policy first asked it to enrol (the start of its grace period).
 */
@Entity({ tableName: "mfa_states" })
export class SecondFactorState extends BaseEntity<"totpSecret" | "pendingTotpSecret" | "totpEnabledAt" | "lastTotpStep" | "graceStartedAt"> {
  @OneToOne(() => User, { ref: true, deleteRule: "cascade", owner: true, unique: "mfa_states_user_unique" })
  user!: Ref<User>;

  /** The active TOTP secret, sealed; null while TOTP is not enabled. */
  @Property({ type: "string", length: 255, nullable: true })
  totpSecret: string | null = null;

  /** A secret handed out by startTotpEnrolment and not yet confirmed with a first code, sealed. */
  @Property({ type: "string", length: 255, nullable: true })
  pendingTotpSecret: string | null = null;

  @Property({ type: "datetime", length: 3, nullable: true })
  totpEnabledAt: Date | null = null;

  /** RFC 6238 time-step (Unix seconds / 30) of the last accepted code: codes of this step or earlier are refused. */
  @Property({ type: new BigIntType("number"), nullable: true })
  lastTotpStep: number | null = null;

  @Property({ type: "datetime", length: 3, nullable: true })
  graceStartedAt: Date | null = null;
}
