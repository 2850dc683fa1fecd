import { Entity, Index, Property, Unique } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";

/**
 * One browser's sign-in at an identity provider, from the redirect there to the callback: the
 * state, nonce and PKCE verifier the callback is checked against. Kept server-side (so every
 * replica can finish it) and bound to the browser by a cookie holding a secret whose SHA-256 is
 * `browserKeyHash`; deleted by the callback that uses it (single use) or after ten minutes.
 */
@Entity({ tableName: "sso_login_attempts" })
@Index({ name: "sso_login_attempts_expires_index", properties: ["expiresAt"] })
export class SsoLoginAttempt extends BaseEntity {
  @Unique({ name: "sso_login_attempts_browser_key_unique" })
  @Property({ type: "string", length: 64 })
  browserKeyHash!: string;

  @Property({ type: "string", length: 32 })
  provider!: string;

  @Property({ type: "string", length: 128 })
  state!: string;

  @Property({ type: "string", length: 128 })
  nonce!: string;

  @Property({ type: "string", length: 128 })
  codeVerifier!: string;

  @Property({ type: "datetime", length: 3 })
  expiresAt!: Date;
}
