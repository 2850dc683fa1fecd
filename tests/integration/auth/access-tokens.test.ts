import * as jose from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

/**
 * Access tokens are EdDSA JWTs; verification pins algorithm, issuer, audience and type, and
 * trusts only our own keys. Each forged token below differs from a valid one in one respect,
 * and targets the admin's live session so that only the forgery can be the reason it fails.
 */
let t: TestServer;
let admin: { accessToken: string; userId: string; sessionId: string };
let jwks: { keys: (jose.JWK & { kid: string })[] };

beforeAll(async () => {
  t = await startTestServer();
  const { accessToken, userId } = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  admin = { accessToken, userId, sessionId: jose.decodeJwt(accessToken).sid as string };
  jwks = (await t.http<typeof jwks>("/.well-known/jwks.json")).body;
});
afterAll(() => t?.close());

const config = () => t.server.services.config.jwt;
const realKey = () => t.server.services.keys.signingKey();

/** Claims a genuine token for the admin's session carries. */
function claims(overrides: Record<string, unknown> = {}): jose.JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: config().issuer,
    aud: config().audience,
    sub: admin.userId,
    sid: admin.sessionId,
    role: "ADMIN",
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 300,
    ...overrides,
  };
}

async function signed(header: Partial<jose.JWTHeaderParameters> = {}, payload = claims(), key: jose.CryptoKey | Uint8Array = realKey().key) {
  return new jose.SignJWT(payload).setProtectedHeader({ alg: "EdDSA", kid: realKey().kid, typ: "at+jwt", ...header } as jose.JWTHeaderParameters).sign(key);
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The raw HTTP exchange of `query` sent with this Authorization header. */
function withAuthorization(authorization: string, query: string) {
  return t.http<any>("/graphql", { method: "POST", headers: { "content-type": "application/json", authorization }, body: JSON.stringify({ query }) });
}

/** What a caller presenting `token` gets from an admin-only query. */
async function adminQueryWith(token: string) {
  return t.gql(`{ users(first: 1) { totalCount } }`, {}, token);
}

describe("issued access tokens", () => {
  it("are EdDSA JWTs of type at+jwt with kid, iss, aud, sub, sid, jti and role, valid 15 minutes", () => {
    const header = jose.decodeProtectedHeader(admin.accessToken);
    expect(header).toEqual({ alg: "EdDSA", kid: expect.any(String), typ: "at+jwt" });
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    const payload = jose.decodeJwt(admin.accessToken);
    expect(payload).toMatchObject({ iss: t.server.services.config.publicUrl, aud: "deskql-api", sub: admin.userId, role: "ADMIN" });
    expect(payload.sid).toEqual(expect.any(String));
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it("verify against the published JWKS", async () => {
    const { payload } = await jose.jwtVerify(admin.accessToken, jose.createLocalJWKSet(jwks), { issuer: config().issuer, audience: config().audience, typ: "at+jwt" });
    expect(payload.sub).toBe(admin.userId);
  });

  it("work when genuine (the forging harness below is sound)", async () => {
    const res = await adminQueryWith(await signed());
    expect(res.errors).toBeUndefined();
    expect(res.data!.users.totalCount).toBeGreaterThanOrEqual(1);
  });
});

describe("forged and invalid access tokens are rejected with UNAUTHENTICATED", () => {
  const forgeries: [string, () => Promise<string>][] = [
    ["alg none, no signature", async () => `${b64({ alg: "none", kid: realKey().kid, typ: "at+jwt" })}.${b64(claims())}.`],
    ["alg none via jose's UnsecuredJWT", async () => new jose.UnsecuredJWT(claims()).encode()],
    [
      "HS256 signed with the public key's x as the secret",
      async () => signed({ alg: "HS256" }, claims(), new TextEncoder().encode(jwks.keys.find((k) => k.kid === realKey().kid)!.x!)),
    ],
    [
      "HS256 signed with the public key's raw bytes as the secret",
      async () => signed({ alg: "HS256" }, claims(), Buffer.from(jwks.keys.find((k) => k.kid === realKey().kid)!.x!, "base64url")),
    ],
    [
      "HS256 signed with the whole public JWK as the secret",
      async () => signed({ alg: "HS256" }, claims(), new TextEncoder().encode(JSON.stringify(jwks.keys[0]))),
    ],
    ["an unknown kid, signed by another Ed25519 key", async () => signed({ kid: "not-our-key" }, claims(), (await jose.generateKeyPair("EdDSA")).privateKey)],
    ["our kid, signed by another Ed25519 key", async () => signed({}, claims(), (await jose.generateKeyPair("EdDSA")).privateKey)],
    ["no kid", async () => signed({ kid: undefined })],
    ["a jku header (genuinely signed)", async () => signed({ jku: "https://evil.example.test/jwks.json" } as object)],
    ["an x5u header (genuinely signed)", async () => signed({ x5u: "https://evil.example.test/cert.pem" } as object)],
    [
      "an embedded jwk header with the attacker's key",
      async () => {
        const { publicKey, privateKey } = await jose.generateKeyPair("EdDSA", { extractable: true });
        return signed({ jwk: await jose.exportJWK(publicKey) }, claims(), privateKey);
      },
    ],
    ["an embedded jwk header (genuinely signed)", async () => signed({ jwk: jwks.keys[0] as jose.JWK })],
    ["expired", async () => signed({}, claims({ iat: Math.floor(Date.now() / 1000) - 1000, exp: Math.floor(Date.now() / 1000) - 10 }))],
    ["a wrong issuer", async () => signed({}, claims({ iss: "https://evil.example.test" }))],
    ["a wrong audience", async () => signed({}, claims({ aud: "another-api" }))],
    ["the wrong type (a plain JWT, e.g. an ID token)", async () => signed({ typ: "JWT" })],
    ["no sid", async () => signed({}, claims({ sid: undefined }))],
    ["a sid of another user's session", async () => signed({}, claims({ sub: crypto.randomUUID() }))],
    ["a sid that does not exist", async () => signed({}, claims({ sid: crypto.randomUUID() }))],
    ["an unknown role", async () => signed({}, claims({ role: "SUPERUSER" }))],
    ["a tampered payload", async () => {
      const [h, , s] = (await signed({}, claims({ role: "CUSTOMER" }))).split(".");
      return `${h}.${b64(claims())}.${s}`;
    }],
  ];

  it.each(forgeries)("%s", async (_name, forge) => {
    const res = await withAuthorization(`Bearer ${await forge()}`, `{ users(first: 1) { totalCount } }`);
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].extensions).toEqual({ code: "UNAUTHENTICATED" });
  });

  it.each([
    ["a malformed token", "Bearer not.a.jwt"],
    ["a token that is not base64", "Bearer ####.####.####"],
    ["an empty bearer", "Bearer "],
    ["a Basic credential", `Basic ${Buffer.from("admin:secret").toString("base64")}`],
    ["a huge token", `Bearer ${"a".repeat(9000)}`],
    ["JSON segments that are not objects", `Bearer ${Buffer.from("[]").toString("base64url")}.${Buffer.from("42").toString("base64url")}.abc`],
  ])("%s", async (_name, authorization) => {
    const res = await t.gql(`{ users(first: 1) { totalCount } }`, {}, null, { authorization });
    expect(res.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect(res.errors![0]!.message).not.toMatch(/at .*\.js|Error:/);
  });

  it("ignores the role claim: a customer's token with role ADMIN grants nothing", async () => {
    const customer = await t.createUser("CUSTOMER");
    const payload = jose.decodeJwt(customer.token);
    const elevated = await signed({}, claims({ sub: customer.id, sid: payload.sid, role: "ADMIN" }));
    const res = await adminQueryWith(elevated);
    expect(res.errors![0]!.extensions!.code).toBe("FORBIDDEN");
  });
});

describe("a presented token that does not verify", () => {
  const PROBE = `{ me { id } rateLimit { limit } }`; // answerable anonymously, so only the token can make it fail
  const anonymousUsed = async () => (await t.gql(`{ rateLimit { used } }`)).data!.rateLimit.used as number;

  it.each([
    ["a garbage token", async () => "garbage.token.x"],
    ["an expired token", async () => signed({}, claims({ iat: Math.floor(Date.now() / 1000) - 1000, exp: Math.floor(Date.now() / 1000) - 10 }))],
    [
      "the token of a session that logged out",
      async () => {
        const user = await t.createUser();
        await t.gql(`mutation($t: String) { logout(refreshToken: $t) }`, { t: user.refreshToken });
        return user.token;
      },
    ],
  ])("%s is answered 401 UNAUTHENTICATED, not as an anonymous caller, and costs no budget", async (_name, token) => {
    const bearer = await token();
    const before = await anonymousUsed();
    const res = await withAuthorization(`Bearer ${bearer}`, PROBE);
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
    expect(res.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: "UNAUTHENTICATED" } }] });
    expect(res.body.errors[0].message).not.toMatch(/at .*\.js|Error:/);
    expect(await anonymousUsed()).toBe(before + 1); // only the second rateLimit query itself
  });

  it("changes nothing for a valid token", async () => {
    const res = await withAuthorization(`Bearer ${admin.accessToken}`, PROBE);
    expect(res.status).toBe(200);
    expect(res.headers["www-authenticate"]).toBeUndefined();
    expect(res.body.data.me.id).toBe(admin.userId);
    expect(res.body.data.rateLimit.limit).toBe(t.server.services.config.queryBudget.pointsPerHour);
  });
});

describe("signing key rotation", () => {
  it("keeps tokens of the previous key valid while new tokens use the new key, and publishes both", async () => {
    const before = realKey();
    const oldToken = admin.accessToken;
    const newKid = await t.server.services.keys.rotate(t.server.services.config.jwt.accessTokenTtlSeconds);
    expect(newKid).not.toBe(before.kid);

    const published = (await t.http<typeof jwks>("/.well-known/jwks.json")).body.keys.map((k) => k.kid);
    expect(published).toEqual(expect.arrayContaining([before.kid, newKid]));

    // A token the old key signs now (not one cached as verified earlier) still verifies.
    const freshOld = await signed({ kid: before.kid }, claims(), before.key);
    expect((await adminQueryWith(freshOld)).errors).toBeUndefined();
    expect((await adminQueryWith(oldToken)).errors).toBeUndefined();

    const relogged = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(jose.decodeProtectedHeader(relogged.accessToken).kid).toBe(newKid);
    expect((await adminQueryWith(relogged.accessToken)).errors).toBeUndefined();
  });

  it("stops a retired key's tokens at once, even tokens already verified and cached", async () => {
    // keys:rotate --retire-previous, for a leaked key: its tokens must stop with the reload.
    const { accessToken } = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect((await adminQueryWith(accessToken)).errors).toBeUndefined(); // verified, so cached
    const leaked = jose.decodeProtectedHeader(accessToken).kid;
    await t.server.services.keys.rotate(0); // the previous keys stop verifying now
    expect((await t.http<typeof jwks>("/.well-known/jwks.json")).body.keys.map((k) => k.kid)).not.toContain(leaked);

    const res = await adminQueryWith(accessToken);
    expect(res.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    const fresh = await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect((await adminQueryWith(fresh.accessToken)).errors).toBeUndefined();
  });
});
