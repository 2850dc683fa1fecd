import { BigIntType, Entity, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";

@ObjectType({ description: "A passkey (WebAuthn credential) registered to the caller's account." })
@Entity({ tableName: "mfa_passkeys" })
@Index({ name: "mfa_passkeys_user_index", properties: ["user"] })
export class Passkey extends BaseEntity<"lastUsedAt" | "transports"> {
  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  user!: Ref<User>;

  @Field(() => String, { description: "The name its owner gave it (1-60 characters), e.g. the device it lives on." })
  @Property({ type: "string", length: 60 })
  name!: string;

  /** The credential id, base64url (at most 1023 bytes by WebAuthn, so at most 1364 characters). */
  @Unique({ name: "mfa_passkeys_credential_unique" })
  @Property({ type: "string", length: 700 })
  credentialId!: string;

  /** The COSE public key, base64url. */
  @Property({ type: "text" })
  publicKey!: string;

  @Property({ type: new BigIntType("number") })
  signCount: number = 0;

  /** Comma-separated transports the authenticator reported (usb, nfc, ble, internal, hybrid). */
  @Property({ type: "string", length: 100, nullable: true })
  transports: string | null = null;

  @Field(() => Date, { nullable: true, description: "When it last signed in." })
  @Property({ type: "datetime", length: 3, nullable: true })
  lastUsedAt: Date | null = null;
}
