import { Entity, Index, ManyToOne, Property, type Ref } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";

/**
 * One login = one session = one refresh-token family. Access tokens carry the session id
 * (`sid`), so revoking the session stops its access tokens at once.
 */
@Entity({ tableName: "sessions" })
@Index({ name: "sessions_user_active_index", properties: ["user", "revokedAt"] })
export class Session extends BaseEntity<"revokedAt" | "revokedReason" | "lastActiveAt"> {
  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  user!: Ref<User>;

  @Property({ type: "string", length: 64, nullable: true })
  ip!: string | null;

  @Property({ type: "string", length: 512, nullable: true })
  userAgent!: string | null;

  @Property({ type: "datetime", length: 3 })
  lastActiveAt: Date = new Date();

  /** Absolute end of the session, whatever its activity. */
  @Property({ type: "datetime", length: 3 })
  expiresAt!: Date;

  @Property({ type: "datetime", length: 3, nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: "string", length: 40, nullable: true })
  revokedReason: string | null = null;
}
