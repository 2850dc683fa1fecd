import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenIn, waitForMail } from "../../support/mailbox.js";
import { CookieJar, TestIdp } from "../../support/oidc-idp.js";
import { startTestServer, type TestServer } from "../../support/server.js";

let t: TestServer;
let idp: TestIdp;
let publicUrl: string;
let admin: string;

beforeAll(async () => {
  idp = await TestIdp.listen();
  const provider = { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret };
  t = await startTestServer({
    env: {
      OIDC_PROVIDERS: JSON.stringify([
        { id: "test", name: "Test IdP", ...provider, allowedDomains: ["sso.test", "example.test"], defaultRole: "CUSTOMER" },
        { id: "corp", name: "Corp IdP", ...provider, allowedDomains: ["corp.test"], ssoRequired: true },
      ]),
    },
  });
  publicUrl = t.server.services.config.publicUrl;
  idp.register(["test", "corp"].map((id) => `${publicUrl}/auth/oidc/${id}/callback`));
  admin = await t.adminToken();
});
afterAll(async () => {
  await t?.close();
  await idp?.close();
});

let subjects = 0;
/** An account at the provider; returns its subject. */
function idpAccount(email: string, emailVerified = true): string {
  const sub = `sub-${++subjects}`;
  idp.accounts.set(sub, { email, email_verified: emailVerified, name: `Person ${subjects}` });
  return sub;
}

interface Tampering {
  /** Replaces the nonce the desk sent to the provider. */
  nonce?: string;
  /** Replaces the state the provider sends back. */
  state?: string;
  /** Presents the callback without the browser's attempt cookie (another browser). */
  dropCookie?: boolean;
}

/**
 * What a browser does: the desk's start route, the provider's redirects (login and consent
 * completed for `sub`), then the desk's callback. Returns the callback's answer.
 */
async function signInAt(provider: string, sub: string, tamper: Tampering = {}) {
  idp.nextAccount = sub;
  const start = await t.http(`/auth/oidc/${provider}/start`);
  expect(start.status).toBe(302);
  const desk = new CookieJar();
  desk.store(start.headers["set-cookie"]);
  expect(desk.get("deskql_oidc")).toMatch(/^hd_sso_/);
  let url = new URL(String(start.headers.location));
  expect(url.origin).toBe(idp.issuer);
  expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  if (tamper.nonce) url.searchParams.set("nonce", tamper.nonce);

  const atIdp = new CookieJar();
  for (let hop = 0; !url.href.startsWith(publicUrl); hop++) {
    if (hop > 10) throw new Error("the provider kept redirecting");
    const res = await fetch(url, { redirect: "manual", headers: { cookie: atIdp.header() } });
    atIdp.store(res.headers.getSetCookie());
    const location = res.headers.get("location");
    if (!location) throw new Error(`the provider answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    url = new URL(location, url);
  }
  if (tamper.state) url.searchParams.set("state", tamper.state);
  const callback = await t.http(url.pathname + url.search, { headers: tamper.dropCookie ? {} : { cookie: desk.header() } });
  return { callback, url };
}

/** The session the callback opened, as the web client picks it up: /auth/refresh with the cookie. */
async function sessionFrom(callback: Awaited<ReturnType<typeof signInAt>>["callback"]) {
  expect(callback.status).toBe(302);
  expect(callback.headers.location).toBe(`${publicUrl}/#/sso-complete`);
  const jar = new CookieJar();
  jar.store(callback.headers["set-cookie"]);
  const refresh = jar.get("deskql_refresh");
  expect(refresh).toMatch(/^hd_rt_/);
  const res = await t.http<{ accessToken: string; user: { id: string; email: string; role: string } }>("/auth/refresh", {
    method: "POST",
    headers: { "content-type": "application/json", cookie: `deskql_refresh=${refresh}` },
    body: "{}",
  });
  expect(res.status).toBe(200);
  return res.body;
}

function refusal(callback: Awaited<ReturnType<typeof signInAt>>["callback"]): string {
  expect(callback.status).toBe(302);
  expect(String(callback.headers["set-cookie"] ?? "")).not.toContain("deskql_refresh=hd_rt_");
  const location = String(callback.headers.location);
  expect(location.startsWith(`${publicUrl}/#/signin?sso_error=`)).toBe(true);
  return location.split("sso_error=")[1]!;
}

async function auditActions(filter: Record<string, unknown>): Promise<string[]> {
  const res = await t.gql(`query($f: AuditEventFilter) { auditEvents(first: 20, filter: $f) { nodes { action details } } }`, { f: filter }, admin);
  expect(res.errors).toBeUndefined();
  return res.data!.auditEvents.nodes.map((n: { action: string }) => n.action);
}

describe("single sign-on with OpenID Connect", () => {
  it("lists the configured providers for the sign-in buttons", async () => {
    const res = await t.gql(`{ signInProviders { id displayName } }`);
    expect(res.data!.signInProviders).toEqual([
      { id: "test", displayName: "Test IdP" },
      { id: "corp", displayName: "Corp IdP" },
    ]);
  });

  it("signs a new person in with a just-in-time account of the default role, as an ordinary session", async () => {
    const sub = idpAccount("new.person@sso.test");
    const session = await sessionFrom((await signInAt("test", sub)).callback);
    expect(session.user).toMatchObject({ email: "new.person@sso.test", role: "CUSTOMER" });
    const me = await t.gql(`{ me { id emailVerified } mySessions { id current } }`, {}, session.accessToken);
    expect(me.data!.me).toEqual({ id: session.user.id, emailVerified: true });
    expect(me.data!.mySessions).toHaveLength(1);
    expect(await auditActions({ actorId: session.user.id })).toEqual(expect.arrayContaining(["SSO_ACCOUNT_CREATED", "SSO_SIGN_IN"]));

    // The second time, the provider identity finds the same account.
    const again = await sessionFrom((await signInAt("test", sub)).callback);
    expect(again.user.id).toBe(session.user.id);
    // The session is revocable like any other.
    const revoked = await t.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: me.data!.mySessions[0].id }, again.accessToken);
    expect(revoked.errors).toBeUndefined();
    expect((await t.gql(`{ me { id } }`, {}, session.accessToken)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("links an existing account by its verified email", async () => {
    const user = await t.createUser();
    const session = await sessionFrom((await signInAt("test", idpAccount(user.email))).callback);
    expect(session.user.id).toBe(user.id);
    expect(await auditActions({ targetId: user.id, actions: ["SSO_ACCOUNT_LINKED"] })).toEqual(["SSO_ACCOUNT_LINKED"]);
  });

  it("refuses an email the provider has not verified, and links nothing", async () => {
    const user = await t.createUser();
    const { callback } = await signInAt("test", idpAccount(user.email, false));
    expect(refusal(callback)).toBe("SSO_EMAIL_UNVERIFIED");
    expect(refusal((await signInAt("test", idpAccount("unverified@sso.test", false))).callback)).toBe("SSO_EMAIL_UNVERIFIED");
    const users = await t.gql(`{ users(first: 5, filter: { search: "unverified@sso.test" }) { nodes { id } } }`, {}, admin);
    expect(users.data!.users.nodes).toEqual([]);
    const failures = await t.gql(`{ auditEvents(first: 5, filter: { actions: [SSO_SIGN_IN_FAILED] }) { nodes { details } } }`, {}, admin);
    expect(failures.data!.auditEvents.nodes).toContainEqual({ details: { provider: "test", reason: "SSO_EMAIL_UNVERIFIED" } });
  });

  it("refuses addresses outside the allowed domains", async () => {
    const { callback } = await signInAt("test", idpAccount("someone@elsewhere.test"));
    expect(refusal(callback)).toBe("SSO_DOMAIN_NOT_ALLOWED");
  });

  it("refuses a forged state, a callback in another browser, and a replayed callback", async () => {
    const sub = idpAccount("state.check@sso.test");
    expect(refusal((await signInAt("test", sub, { state: "forged-state" })).callback)).toBe("SSO_STATE_MISMATCH");
    expect(refusal((await signInAt("test", sub, { dropCookie: true })).callback)).toBe("SSO_STATE_MISMATCH");

    const { callback, url } = await signInAt("test", sub);
    const cookie = String((callback.headers["set-cookie"] as string[] | undefined)?.find((c) => c.startsWith("deskql_refresh=")) ?? "");
    expect(cookie).toContain("hd_rt_");
    const replay = await t.http(url.pathname + url.search, { headers: { cookie: "deskql_oidc=hd_sso_replayed" } });
    expect(refusal(replay)).toBe("SSO_STATE_MISMATCH");
  });

  it("refuses an ID token whose nonce is not the one this sign-in sent", async () => {
    const { callback } = await signInAt("test", idpAccount("nonce.check@sso.test"), { nonce: "a-nonce-the-desk-never-sent" });
    expect(refusal(callback)).toBe("SSO_NONCE_MISMATCH");
  });

  it("sends the provider's own errors back to the sign-in page with a code", async () => {
    const start = await t.http(`/auth/oidc/test/start`);
    const jar = new CookieJar();
    jar.store(start.headers["set-cookie"]);
    const state = new URL(String(start.headers.location)).searchParams.get("state")!;
    const res = await t.http(`/auth/oidc/test/callback?error=access_denied&state=${state}`, { headers: { cookie: jar.header() } });
    expect(refusal(res)).toBe("SSO_PROVIDER_ERROR");
    expect(refusal(await t.http(`/auth/oidc/nope/start`))).toBe("SSO_UNKNOWN_PROVIDER");
  });

  it("honours a pending invitation: the account gets the invited role and the invitation is accepted", async () => {
    const email = "invited.person@elsewhere.test";
    const invited = await t.gql(`mutation($i: InviteUserInput!) { inviteUser(input: $i) { id } }`, { i: { email, role: "AGENT" } }, admin);
    const session = await sessionFrom((await signInAt("test", idpAccount(email))).callback);
    expect(session.user).toMatchObject({ email, role: "AGENT" });
    const list = await t.gql(`{ invitations(first: 5, filter: { status: ACCEPTED }) { nodes { id } } }`, {}, admin);
    expect(list.data!.invitations.nodes).toContainEqual({ id: invited.data!.inviteUser.id });
  });

  it("requires single sign-on for its domains: no password, sign-in link or reset", async () => {
    const session = await sessionFrom((await signInAt("corp", idpAccount("staff@corp.test"))).callback);
    expect(session.user.email).toBe("staff@corp.test");
    const attempts = [
      t.gql(`mutation { login(input: { email: "staff@corp.test", password: "whatever it may be" }) { accessToken } }`),
      t.gql(`mutation { requestSignInLink(email: "staff@corp.test") }`),
      t.gql(`mutation { requestPasswordReset(email: "STAFF@corp.test") }`),
      t.gql(`mutation { register(input: { email: "new@corp.test", password: "a perfectly fine passphrase 7", displayName: "New" }) { accessToken } }`),
    ];
    for (const res of await Promise.all(attempts)) expect(res.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "SSO_REQUIRED", provider: "corp" });

    // An invitation to such an address is accepted by signing in there, not with a password.
    await t.gql(`mutation { inviteUser(input: { email: "invited@corp.test", role: AGENT }) { id } }`, {}, admin);
    const mail = await waitForMail(t, "invited@corp.test", "INVITATION");
    const token = tokenIn(mail, "hd_iv_");
    expect((await t.gql(`query($t: String!) { invitation(token: $t) { ssoRequired } }`, { t: token })).data!.invitation.ssoRequired).toBe(true);
    const withPassword = await t.gql(`mutation($t: String!) { acceptInvitation(input: { token: $t, displayName: "Ivy", password: "a perfectly fine passphrase 7" }) { accessToken } }`, { t: token });
    expect(withPassword.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "SSO_REQUIRED" });
  });
});
