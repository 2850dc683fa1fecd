import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MINUTE, mailTo, tokenIn, useClock, waitForMail, type TestClock } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";

let t: TestServer;
let clock: TestClock;
beforeAll(async () => {
  t = await startTestServer({ env: { RATE_LIMIT_ACCOUNT_EMAILS_PER_IP_PER_HOUR: "1000" } });
  clock = useClock(t);
});
afterEach(() => clock.reset());
afterAll(() => t?.close());

async function linkTokenFor(email: string, count = 1): Promise<string> {
  expect((await t.gql(REQUEST, { email })).data?.requestSignInLink).toBe(true);
  return tokenIn(await waitForMail(t, email, "SIGN_IN_LINK", count), "hd_sl_");
}

describe("sign-in links", () => {
  it("sign in with the emailed link, verifying the address, and audit it as a sign-in", async () => {
    const user = await t.createUser();
    const token = await linkTokenFor(user.email);
    const res = await t.gql(SIGN_IN, { token });
    expect(res.errors).toBeUndefined();
    const payload = res.data!.signInWithLink;
    expect(payload.user).toEqual({ id: user.id, email: user.email, emailVerified: true });
    expect(payload.refreshToken).toMatch(/^hd_rt_/);
    expect((await t.gql(`{ me { id } }`, {}, payload.accessToken)).data!.me.id).toBe(user.id);

    const audit = await t.gql(
      `query($id: ID!) { auditEvents(first: 5, filter: { actorId: $id, actions: [LOGIN_SUCCEEDED] }) { nodes { details } } }`,
      { id: user.id },
      await t.adminToken(),
    );
    expect(audit.data!.auditEvents.nodes).toEqual([{ details: { method: "sign_in_link" } }]);
  });

  it("answer the same for unknown addresses and mail nobody", async () => {
    const res = await t.gql(REQUEST, { email: "stranger@example.test" });
    expect(res).toEqual({ data: { requestSignInLink: true } });
    await new Promise((r) => setTimeout(r, 300));
    expect(await mailTo(t, "stranger@example.test")).toEqual([]);
  });

  it("work while the password is locked out", async () => {
    const user = await t.createUser();
    for (let i = 0; i < 5; i++) await t.gql(LOGIN, { i: { email: user.email, password: "definitely not it!" } });
    expect((await t.gql(LOGIN, { i: { email: user.email, password: user.password } })).errors?.[0]?.extensions?.code).toBe("ACCOUNT_LOCKED");
    const res = await t.gql(SIGN_IN, { token: await linkTokenFor(user.email) });
    expect(res.errors).toBeUndefined();
    expect(res.data!.signInWithLink.user.id).toBe(user.id);
  });

  it("work once", async () => {
    const user = await t.createUser();
    const token = await linkTokenFor(user.email);
    expect((await t.gql(SIGN_IN, { token })).errors).toBeUndefined();
    const again = await t.gql(SIGN_IN, { token });
    expect(again.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "USED" });
    expect(again.errors?.[0]?.message).toMatch(/already used/);
  });

  it("expire after ten minutes", async () => {
    const user = await t.createUser();
    const token = await linkTokenFor(user.email);
    clock.advance(10 * MINUTE + 1000);
    const late = await t.gql(SIGN_IN, { token });
    expect(late.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "EXPIRED" });
    expect(late.errors?.[0]?.message).toMatch(/expired: it worked for 10 minutes/);
  });

  it("are refused for a deactivated account", async () => {
    const user = await t.createUser();
    const token = await linkTokenFor(user.email);
    await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: user.id }, await t.adminToken());
    const res = await t.gql(SIGN_IN, { token });
    expect(res.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "DEACTIVATED" });
  });

  it("do not work as reset or verification tokens, nor the other way round", async () => {
    const user = await t.createUser();
    const verification = tokenIn(await waitForMail(t, user.email, "VERIFY_EMAIL"), "hd_ve_");
    expect((await t.gql(SIGN_IN, { token: verification })).errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "INVALID" });
    const link = await linkTokenFor(user.email);
    const asReset = await t.gql(`mutation($t: String!) { resetPassword(token: $t, newPassword: "a perfectly new passphrase 1") }`, { t: link });
    expect(asReset.errors?.[0]?.extensions?.reason).toBe("INVALID");
  });
});

const REQUEST = `mutation($email: String!) { requestSignInLink(email: $email) }`;
const SIGN_IN = `mutation($token: String!) { signInWithLink(token: $token) { accessToken refreshToken user { id email emailVerified } } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
