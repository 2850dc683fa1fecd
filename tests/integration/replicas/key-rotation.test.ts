import * as jose from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { DomainEvents } from "../../../src/core/events/domain-events.js";
import { systemScope } from "../../../src/core/scope.js";
import { eventStore } from "../../../src/db/event-store.js";
import { announceCommitted, EventTail } from "../../../src/db/event-tail.js";
import { recordKeyRotation, rotateSigningKeys } from "../../../src/modules/auth/key-rotation.js";
import { onSqlite } from "../../support/dialect.js";
import { useRedis } from "../../support/redis.js";
import { DEFAULT_PASSWORD, type TestServer } from "../../support/server.js";
import { answer, eventually, startReplicas, type Replicas } from "./support.js";

/**
 * `npm run keys:rotate` writes the shared keys folder and records signing_key.rotated from its
 * own process; here it is done the same way (key-rotation.ts, and an event bus of its own on the
 * same database), so both replicas hear it only through the events table. Their periodic reload
 * is an hour away and their poll 3 s: within the 1 s deadlines only the announcement can act.
 */
const AT_ONCE_MS = 1_000;

describe.skipIf(onSqlite)("key rotation across two replicas", () => {
  const redis = useRedis();
  let r: Replicas;
  let a: TestServer;
  let b: TestServer;
  let user: { email: string };

  beforeAll(async () => {
    r = await startReplicas({ REDIS_URL: redis.url, EVENTS_POLL_MS: "3000", JWT_KEYS_RELOAD_SECONDS: "3600", ACCESS_TOKEN_TTL_SECONDS: "600" });
    ({ a, b } = r);
    user = await a.createUser();
  });
  afterAll(() => r?.close());

  const kidOf = (token: string) => jose.decodeProtectedHeader(token).kid!;
  const signIn = async (t: TestServer) => (await t.login(user.email, DEFAULT_PASSWORD)).accessToken;

  /** What the CLI does: rotate the folder, then record the rotation from a process of its own. */
  async function keysRotate(options: { retirePrevious?: boolean; record?: boolean } = {}) {
    const rotation = await rotateSigningKeys(a.server.services.config.jwt, options);
    if (options.record ?? true) {
      const cli = systemScope(a.server.services.orm.em.fork(), systemClock, "keys:rotate");
      const events = new DomainEvents(eventStore);
      let position = 0;
      events.onCommitted((committed) => (position = committed[committed.length - 1]!.position));
      await recordKeyRotation(cli, events, rotation);
      const config = a.server.services.config;
      if (config.database.kind === "mysql") expect(await announceCommitted(redis.url, EventTail.channelFor(config.database.url), position)).toBe(true);
    }
    return rotation;
  }

  it("every replica signs with the new key and verifies the other's tokens at once", async () => {
    const before = await signIn(a);
    const { kid } = await keysRotate();
    await eventually("A and B sign with the new key", async () => a.server.services.keys.signingKey().kid === kid && b.server.services.keys.signingKey().kid === kid, AT_ONCE_MS);
    const fromA = await signIn(a);
    expect(kidOf(fromA)).toBe(kid);
    expect(await answer(b, fromA)).toBe("OK");
    expect(await answer(b, before)).toBe("OK"); // the previous key keeps verifying
  });

  it("--retire-previous shortly after a routine rotation retires the key the fleet still signs with", async () => {
    // A routine rotation the replicas have not heard of yet: they keep signing with the old key.
    const inUse = a.server.services.keys.signingKey().kid;
    const { kid: unused } = await keysRotate({ record: false });
    const leaked = await signIn(a);
    expect(kidOf(leaked)).toBe(inUse);
    expect(await answer(b, leaked)).toBe("OK");

    const { kid } = await keysRotate({ retirePrevious: true });
    await eventually("both replicas refuse the token of the key in use", async () => (await answer(a, leaked)) === "UNAUTHENTICATED" && (await answer(b, leaked)) === "UNAUTHENTICATED", AT_ONCE_MS);
    const published = (await b.http<{ keys: { kid: string }[] }>("/.well-known/jwks.json")).body.keys.map((k) => k.kid);
    expect(published).toEqual([kid]);
    expect(published).not.toContain(unused);
    const fresh = await signIn(b);
    expect(kidOf(fresh)).toBe(kid);
    expect(await answer(a, fresh)).toBe("OK");
  });
});
