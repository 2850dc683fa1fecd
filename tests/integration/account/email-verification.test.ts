import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DAY, MINUTE, mailTo, tokenIn, useClock, waitForMail, type TestClock } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";

let t: TestServer;
let clock: TestClock;
beforeAll(async () => {
  // Many flows from one IP in this file; the per-IP limit has its own test (require-verified.test.ts).
  t = await startTestServer({ env: { RATE_LIMIT_ACCOUNT_EMAILS_PER_IP_PER_HOUR: "1000" } });
  clock = useClock(t);
});
afterEach(() => clock.reset());
afterAll(() => t?.close());

const verified = async (token: string) => (await t.gql(`{ me { emailVerified } }`, {}, token)).data!.me.emailVerified as boolean;

describe("email verification", () => {
  it("emails a link on registration that verifies the address, once", async () => {
    const user = await t.createUser();
    const mail = await waitForMail(t, user.email, "VERIFY_EMAIL");
    expect(mail).toMatchObject({ subject: "Confirm your email address", status: "DELIVERED", attempts: 1 });
    const token = tokenIn(mail, "hd_ve_");
    // PUBLIC_URL's origin (here https://localhost:<port>), the web client's route, the token in the fragment.
    expect(mail.text).toContain(`${t.server.services.config.publicUrl}/#/verify-email/${token}`);
    expect(mail.html).toContain(`href="${t.server.services.config.publicUrl}/#/verify-email/${token}"`);
    expect(await verified(user.token)).toBe(false);

    const first = await t.gql(VERIFY, { token });
    expect(first).toEqual({ data: { verifyEmail: true } });
    expect(await verified(user.token)).toBe(true);

    const again = await t.gql(VERIFY, { token });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "token", reason: "USED" });
    expect(again.errors?.[0]?.message).toMatch(/already used/);
  });

  it("stores only a hash of the token", async () => {
    const user = await t.createUser();
    const token = tokenIn(await waitForMail(t, user.email, "VERIFY_EMAIL"), "hd_ve_");
    const rows = await t.server.orm.em.fork().getConnection().execute<{ token_hash: string }[]>("select token_hash from account_tokens where user_id = ?", [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(token.slice(6));
  });

  it("escapes the display name in the HTML body", async () => {
    const user = await t.createUser("CUSTOMER", `<img src=x onerror="alert(1)"> & Co`);
    const mail = await waitForMail(t, user.email, "VERIFY_EMAIL");
    expect(mail.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co");
    expect(mail.html).not.toContain("<img");
    expect(mail.text).toContain(`<img src=x onerror="alert(1)"> & Co`); // plain text needs no escaping
  });

  it("refuses a link older than 24 hours", async () => {
    const user = await t.createUser();
    const token = tokenIn(await waitForMail(t, user.email, "VERIFY_EMAIL"), "hd_ve_");
    clock.advance(DAY + MINUTE);
    const late = await t.gql(VERIFY, { token });
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "EXPIRED" });
    expect(late.errors?.[0]?.message).toMatch(/expired/);
    clock.reset();
    expect(await verified(user.token)).toBe(false);
  });

  it("refuses unknown and malformed tokens, and tokens of another flow", async () => {
    const unknown = await t.gql(VERIFY, { token: `hd_ve_${"A".repeat(43)}` });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID" });
    const malformed = await t.gql(VERIFY, { token: "not a token" });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID" });

    const user = await t.createUser();
    await t.gql(`mutation($e: String!) { requestPasswordReset(email: $e) }`, { e: user.email });
    const resetToken = tokenIn(await waitForMail(t, user.email, "PASSWORD_RESET"), "hd_pr_");
    const wrongFlow = await t.gql(VERIFY, { token: resetToken });
    expect(wrongFlow.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID" });
  });

  it("refuses another account's link while signed in, without spending it", async () => {
    const owner = await t.createUser();
    const other = await t.createUser();
    const token = tokenIn(await waitForMail(t, owner.email, "VERIFY_EMAIL"), "hd_ve_");
    const mixedUp = await t.gql(VERIFY, { token }, other.token);
    expect(mixedUp.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "OTHER_ACCOUNT" });
    expect(await verified(other.token)).toBe(false);
    expect((await t.gql(VERIFY, { token }, owner.token)).data?.verifyEmail).toBe(true);
  });
});

describe("resending the verification email", () => {
  it("sends a signed-in user a new link that replaces the previous one", async () => {
    const user = await t.createUser();
    const first = tokenIn(await waitForMail(t, user.email, "VERIFY_EMAIL"), "hd_ve_");
    expect((await t.gql(RESEND, {}, user.token)).data?.resendVerification).toBe(true);
    const second = tokenIn(await waitForMail(t, user.email, "VERIFY_EMAIL", 2), "hd_ve_");
    expect(second).not.toBe(first);

    const old = await t.gql(VERIFY, { token: first });
    expect(old.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "REPLACED" });
    expect((await t.gql(VERIFY, { token: second })).data?.verifyEmail).toBe(true);

    const done = await t.gql(RESEND, {}, user.token);
    expect(done.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  });

  it("answers an anonymous request the same whether or not the address has an account", async () => {
    const user = await t.createUser();
    const known = await t.gql(RESEND, { email: user.email });
    const unknown = await t.gql(RESEND, { email: "nobody.here@example.test" });
    expect(known).toEqual({ data: { resendVerification: true } });
    expect(unknown).toEqual(known);
    await waitForMail(t, user.email, "VERIFY_EMAIL", 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(await mailTo(t, "nobody.here@example.test")).toEqual([]);
  });

  it("asks for an address when nobody is signed in", async () => {
    const res = await t.gql(RESEND, {});
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "email" });
  });

  it("limits verification mails to five per address and hour, the registration's included", async () => {
    const user = await t.createUser();
    for (let i = 0; i < 4; i++) expect((await t.gql(RESEND, {}, user.token)).errors).toBeUndefined();
    const sixth = await t.gql(RESEND, {}, user.token);
    expect(sixth.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect(await mailTo(t, user.email, "VERIFY_EMAIL")).toHaveLength(5);
    expect(sixth.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(3000);
    // The anonymous form counts against the same address.
    expect((await t.gql(RESEND, { email: user.email.toUpperCase() })).errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
  });
});

const VERIFY = `mutation($token: String!) { verifyEmail(token: $token) }`;
const RESEND = `mutation($email: String) { resendVerification(email: $email) }`;
