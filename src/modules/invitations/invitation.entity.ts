import { Entity, Enum, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";
import { Role } from "../users/user.role.js";
import { InvitationStatus } from "./invitation.status.js";

/**
 * An admin's invitation to join the desk with a role. The emailed link carries a secret whose
 * SHA-256 alone is stored; re-sending replaces it (the older link stops working).
 */
@ObjectType({ description: "An admin's invitation to join the desk. Admins only." })
@Entity({ tableName: "invitations" })
@Index({ name: "invitations_email_index", properties: ["email"] })
export class Invitation extends BaseEntity<"acceptedAt" | "revokedAt" | "invitedBy" | "user"> {
  @Field(() => String, { description: "The invited address, lower-cased." })
  @Property({ type: "string", length: 254 })
  email!: string;

  @Field(() => Role, { description: "The role the account gets when the invitation is accepted." })
  @Enum({ items: () => Role, nativeEnumName: "invitation_role" })
  role!: Role;

  @Unique({ name: "invitations_token_hash_unique" })
  @Property({ type: "string", length: 64 })
  tokenHash!: string;

  /** Null once the inviting admin's account is gone. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  invitedBy: Ref<User> | null = null;

  @Field(() => Date, { description: "When the link stops working (INVITATION_TTL_DAYS after it was last sent)." })
  @Property({ type: "datetime", length: 3 })
  expiresAt!: Date;

  @Field(() => Date, { description: "When the link was last emailed." })
  @Property({ type: "datetime", length: 3 })
  sentAt!: Date;

  @Field(() => Date, { nullable: true, description: "When the invitee accepted (set a password or signed in with single sign-on)." })
  @Property({ type: "datetime", length: 3, nullable: true })
  acceptedAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: "When an admin revoked it; the link stopped working then." })
  @Property({ type: "datetime", length: 3, nullable: true })
  revokedAt: Date | null = null;

  /** The account the invitation became. */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  user: Ref<User> | null = null;

  statusAt(now: Date): InvitationStatus {
    if (this.acceptedAt) return InvitationStatus.ACCEPTED;
    if (this.revokedAt) return InvitationStatus.REVOKED;
    return this.expiresAt <= now ? InvitationStatus.EXPIRED : InvitationStatus.PENDING;
  }
}
