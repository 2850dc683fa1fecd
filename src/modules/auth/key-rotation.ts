import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { RequestScope } from "../../core/scope.js";
import { SigningKeys } from "./signing-keys.js";

/** Extra seconds on top of the computed overlap: file-system and clock slack between instances. */
const SLACK_SECONDS = 30;

export interface RotationResult {
  kid: string;
  /** How long the previous keys keep verifying; 0 when they were retired at once. */
  previousVerifySeconds: number;
  /** The key ids the JWKS lists after the rotation. */
  published: string[];
}

/**
 * `npm run keys:rotate`: a new key signs from now on. The previous keys keep verifying until
 * every token they may still sign has expired: running servers switch when they hear the
 * recorded signing_key.rotated (at once, on every replica: credential-invalidation.ts) or at the
 * latest at their next reload (JWT_KEYS_RELOAD_SECONDS, the bound used here when the event is
 * not recorded), and each of those tokens lives for ACCESS_TOKEN_TTL_SECONDS. With
 * `retirePrevious` (a leaked key) every previous key stops verifying at once (signing-keys.ts,
 * rotate), and everyone's next request needs a refresh.
 */
export async function rotateSigningKeys(jwt: AppConfig["jwt"], options: { retirePrevious?: boolean } = {}): Promise<RotationResult> {
  const keys = await SigningKeys.open(jwt.keysDir, { allowGenerate: true });
  const previousVerifySeconds = options.retirePrevious ? 0 : jwt.accessTokenTtlSeconds + jwt.keysReloadSeconds + SLACK_SECONDS;
  const kid = await keys.rotate(previousVerifySeconds);
  return { kid, previousVerifySeconds, published: keys.jwks().keys.map((k) => k.kid!) };
}

/**
 * Records a rotation as signing_key.rotated, for admins (the command runs in a system scope: no
 * actor). The keys folder, not the database, is the truth: the CLI records it after rotating.
 */
export async function recordKeyRotation(scope: RequestScope, events: DomainEvents, rotation: RotationResult): Promise<void> {
  await events.transaction(scope, (tx) =>
    events.raise(tx, {
      type: "signing_key.rotated",
      actorId: null,
      target: { type: "SigningKey", id: rotation.kid },
      visibility: "ADMIN",
      payload: { previousVerifySeconds: rotation.previousVerifySeconds, published: rotation.published },
    }),
  );
}
