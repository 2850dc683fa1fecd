import { existsSync } from "node:fs";
import type { AppConfig } from "../config.js";
import { systemClock } from "../core/clock.js";
import { DomainEvents } from "../core/events/domain-events.js";
import { systemScope } from "../core/scope.js";
import { eventStore } from "../db/event-store.js";
import { announceCommitted, EventTail } from "../db/event-tail.js";
import { initOrm } from "../db/orm.js";
import { recordKeyRotation, rotateSigningKeys, type RotationResult } from "../modules/auth/key-rotation.js";

/** `deskql keys rotate [--retire-previous]`: see docs/operations.md, "Rotating the JWT signing key". */
export async function rotateKeys(config: AppConfig, retirePrevious: boolean): Promise<void> {
  const rotation = await rotateSigningKeys(config.jwt, { retirePrevious });
  const { kid, previousVerifySeconds, published } = rotation;
  console.log(`New signing key ${kid} signs from now on (running servers switch when they hear the recorded rotation, at the latest within ${config.jwt.keysReloadSeconds} s).`);
  console.log(
    retirePrevious
      ? "Every previous key stopped verifying at once: access tokens they signed are refused; clients refresh."
      : `The previous key keeps verifying for ${previousVerifySeconds} s (the longest-lived token it may still sign), then retires.`,
  );
  console.log(`JWKS now lists: ${published.join(", ")}`);
  await recordRotation(config, rotation);
}

/**
 * Writes signing_key.rotated to the events table of the configured database (not the embedded
 * one before it exists). The rotation stands either way: a database that cannot be reached gets
 * a warning, not a failed command.
 */
async function recordRotation(config: AppConfig, rotation: RotationResult) {
  if (config.database.kind === "sqlite" && !existsSync(config.database.file)) return;
  let orm: Awaited<ReturnType<typeof initOrm>> | undefined;
  try {
    orm = await initOrm(config, { migrations: "none" });
    const events = new DomainEvents(eventStore);
    let position = 0;
    events.onCommitted((committed) => (position = committed[committed.length - 1]!.position));
    await recordKeyRotation(systemScope(orm.em.fork(), systemClock, "keys:rotate"), events, rotation);
    console.log("Recorded the rotation as a signing_key.rotated event.");
    // Running replicas hear it at their next poll of the events table (EVENTS_POLL_MS); with Redis, at once.
    if (config.redisUrl && config.database.kind === "mysql" && position) {
      const told = await announceCommitted(config.redisUrl, EventTail.channelFor(config.database.url), position);
      if (!told) console.warn(`Redis did not answer: running servers load the new key at their next poll (within ${config.eventsPollMs} ms).`);
    }
  } catch (error) {
    console.warn(`The key was rotated, but the rotation could not be recorded in the database: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await orm?.close(true);
  }
}
