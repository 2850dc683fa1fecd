import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailTo, tokenIn, waitForMail } from "../../support/mailbox.js";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

/** A desk that requires verified addresses, has sign-in links off, and a tight per-IP email budget. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { REQUIRE_VERIFIED_EMAIL: "true", MAGIC_LINK_ENABLED: "false", RATE_LIMIT_ACCOUNT_EMAILS_PER_IP_PER_HOUR: "3" } });
});
afterAll(() => t?.close());

const register = (email: string) => t.gql(REGISTER, { i: { email, password: DEFAULT_PASSWORD, displayName: "Careful Person" } });
const login = (email: string) => t.gql(LOGIN, { i: { email, password: DEFAULT_PASSWORD } });

describe("REQUIRE_VERIFIED_EMAIL=true", () => {
  it("creates the account without a session, and signs in only once the address is verified", async () => {
    const email = "careful.person@example.test";
    const registered = await register(email);
    expect(registered.data).toBeNull();
    expect(registered.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "EMAIL_NOT_VERIFIED" });
    expect(registered.errors?.[0]?.message).toMatch(/Account created/);

    const early = await login(email);
    expect(early.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "EMAIL_NOT_VERIFIED" });

    const token = tokenIn(await waitForMail(t, email, "VERIFY_EMAIL"), "hd_ve_");
    expect((await t.gql(`mutation($t: String!) { verifyEmail(token: $t) }`, { t: token })).data?.verifyEmail).toBe(true);
    const signedIn = await login(email);
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data!.login.user.email).toBe(email);
  });

  it("answers an address that already has an account exactly like a new one, and tells its owner", async () => {
    const email = "careful.person@example.test"; // registered and verified above
    const again = await t.gql(REGISTER, { i: { email, password: "another fine passphrase 42", displayName: "Someone Else" } });
    const fresh = await register("brand.new.person@example.test");
    expect(again).toEqual(fresh);
    expect(again.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "EMAIL_NOT_VERIFIED" });

    const notice = await waitForMail(t, email, "REGISTRATION_ATTEMPT");
    expect(notice.subject).toBe("Someone tried to register with your address");
    expect(notice.text).toContain("No account was created");
    expect(notice.text).toContain("/#/signin");
    // No second account and no verification link for the address that has one.
    const [row] = await t.server.orm.em.fork().getConnection().execute<{ n: number | string }[]>("select count(*) as n from users where email = ?", [email]);
    expect(Number(row!.n)).toBe(1);
    expect(await mailTo(t, email, "VERIFY_EMAIL")).toHaveLength(1);
    // The original password still signs in.
    expect((await login(email)).errors).toBeUndefined();
  });

  it("does not tell a wrong password apart from an unverified account", async () => {
    const wrong = await t.gql(LOGIN, { i: { email: "careful.person@example.test", password: "not the password at all" } });
    expect(wrong.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED" });
  });
});

describe("MAGIC_LINK_ENABLED=false", () => {
  it("refuses to send or accept sign-in links", async () => {
    const request = await t.gql(`mutation { requestSignInLink(email: "careful.person@example.test") }`);
    expect(request.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const signIn = await t.gql(`mutation { signInWithLink(token: "hd_sl_${"x".repeat(43)}") { accessToken } }`);
    expect(signIn.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("the per-IP budget for account emails", () => {
  it("stops one IP from spraying reset emails across many addresses", async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await t.gql(`mutation($e: String!) { requestPasswordReset(email: $e) }`, { e: `target${i}@example.test` }));
    expect(results.slice(0, 3).every((r) => r.data?.requestPasswordReset === true)).toBe(true);
    expect(results[3]!.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED" });
  });
});

const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken user { email } } }`;
