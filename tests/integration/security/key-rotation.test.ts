import * as jose from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rotateSigningKeys } from "../../../src/modules/auth/key-rotation.js";
import { useClock, type TestClock } from "../../support/mailbox.js";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

/**
 * `npm run keys:rotate` runs in its own process and only writes the keys folder; the running
 * server must notice. Here the rotation is made the way the CLI makes it (key-rotation.ts, with
 * its own SigningKeys instance on the folder), and the server reloads the folder every second.
 */
let t: TestServer;
let clock: TestClock;
let user: { email: string };
beforeAll(async () => {
  t = await startTestServer({ env: { JWT_KEYS_RELOAD_SECONDS: "1", ACCESS_TOKEN_TTL_SECONDS: "60" } });
  clock = useClock(t);
  user = await t.createUser();
});
afterAll(() => t?.close());

const kidOf = (token: string) => jose.decodeProtectedHeader(token).kid!;
const published = async () => (await t.http<{ keys: { kid: string }[] }>("/.well-known/jwks.json")).body.keys.map((k) => k.kid);
const signIn = async () => (await t.login(user.email, DEFAULT_PASSWORD)).accessToken;
const works = async (token: string) => (await t.gql(`{ mySessions { id } }`, {}, token)).errors?.[0]?.extensions?.code ?? "OK";

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("rotating the signing key while the server runs", () => {
  it("signs with the new key from the next reload, and keeps verifying tokens of the old one", async () => {
    const before = await signIn();
    const oldKid = kidOf(before);
    const unusedOld = await signIn(); // signed by the old key, first presented after the rotation
    const { kid: newKid, previousVerifySeconds } = await rotateSigningKeys(t.server.services.config.jwt);
    expect(previousVerifySeconds).toBe(60 + 1 + 30); // token lifetime + reload interval + slack

    await eventually("a new sign-in uses the new key", async () => kidOf(await signIn()) === newKid);
    expect(await published()).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(await works(before)).toBe("OK");
    expect(await works(unusedOld)).toBe("OK");
    expect(await works(await signIn())).toBe("OK");
  });

  it("retires the old key once every token it signed has expired, and the JWKS drops it", async () => {
    const [oldKid] = (await published()).sort(); // UUIDv7 kids sort by creation
    const jwt = t.server.services.config.jwt;
    // A token the old key signed: made with the old key file, since the server now signs with the new one.
    const oldKey = t.server.services.keys as unknown as { keys: Map<string, { privateKey: Parameters<jose.SignJWT["sign"]>[0] }> };
    const signedByOld = await new jose.SignJWT({ sid: "00000000-0000-7000-8000-000000000000", role: "CUSTOMER" })
      .setProtectedHeader({ alg: "EdDSA", kid: oldKid, typ: "at+jwt" })
      .setIssuer(jwt.issuer)
      .setAudience(jwt.audience)
      .setSubject("00000000-0000-7000-8000-000000000001")
      .setJti("retired-key-check")
      .setIssuedAt()
      .setExpirationTime("60s")
      .sign(oldKey.keys.get(oldKid!)!.privateKey);

    clock.advance(92_000); // past verifyUntil (91 s after the rotation)
    await eventually("the JWKS drops the old key", async () => !(await published()).includes(oldKid!));
    expect(await published()).toHaveLength(1);
    const refused = await t.gql(`{ mySessions { id } }`, {}, signedByOld);
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await works(await signIn())).toBe("OK");
    // The clock stays moved on: back in real time, the retired key's verifyUntil would lie ahead again.
  });

  it("with --retire-previous, stops trusting the old key at once (a leaked key)", async () => {
    const leakedToken = await signIn();
    const leakedKid = kidOf(leakedToken);
    const { kid, previousVerifySeconds } = await rotateSigningKeys(t.server.services.config.jwt, { retirePrevious: true });
    expect(previousVerifySeconds).toBe(0);
    await eventually("the JWKS lists only the new key", async () => {
      const kids = await published();
      return kids.length === 1 && kids[0] === kid;
    });
    expect(kidOf(await signIn())).toBe(kid);
    expect(leakedKid).not.toBe(kid);
    expect(await works(leakedToken)).toBe("UNAUTHENTICATED"); // never presented before, so not in any cache
  });
});
