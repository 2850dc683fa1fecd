import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HOUR, MINUTE, mailTo, tokenIn, useClock, waitForMail, type TestClock } from "../../support/mailbox.js";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

let t: TestServer;
let clock: TestClock;
beforeAll(async () => {
  // The timing comparison asks many times for the same addresses; the limits have their own tests.
  t = await startTestServer({ env: { RATE_LIMIT_ACCOUNT_EMAILS_PER_HOUR: "1000", RATE_LIMIT_ACCOUNT_EMAILS_PER_IP_PER_HOUR: "1000" } });
  clock = useClock(t);
});
afterEach(() => clock.reset());
afterAll(() => t?.close());

const NEW_PASSWORD = "a brand new passphrase 42";
const request = (email: string) => t.gql(REQUEST, { email });
const reset = (token: string, newPassword = NEW_PASSWORD) => t.gql(RESET, { token, newPassword });
const loginResult = (email: string, password: string) => t.gql(LOGIN, { i: { email, password } });

async function resetTokenFor(email: string, count = 1): Promise<string> {
  expect((await request(email)).data?.requestPasswordReset).toBe(true);
  return tokenIn(await waitForMail(t, email, "PASSWORD_RESET", count), "hd_pr_");
}

describe("requesting a password reset", () => {
  it("answers a known and an unknown address with the same body, and mails only the known one", async () => {
    const user = await t.createUser();
    const known = await t.http("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: REQUEST, variables: { email: user.email } }) });
    const unknown = await t.http("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: REQUEST, variables: { email: "no.such.person@example.test" } }) });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(unknown.text).toBe(known.text);
    const mail = await waitForMail(t, user.email, "PASSWORD_RESET");
    expect(mail.subject).toBe("Reset your password");
    expect(mail.text).toMatch(/works once, for 1 hour/);
    await new Promise((r) => setTimeout(r, 300));
    expect(await mailTo(t, "no.such.person@example.test")).toEqual([]);
  });

  it("answers before looking the address up, so timing cannot tell whether it exists", async () => {
    // Parity by construction rather than by stopwatch: the request only schedules the lookup
    // (and the mail) as background work, the same single task for a known and an unknown address.
    const user = await t.createUser();
    const background = t.server.services.background;
    const scheduled: string[] = [];
    const original = background.run.bind(background);
    background.run = (what, task) => {
      scheduled.push(what);
      original(what, task);
    };
    try {
      await background.drain();
      const known = await request(user.email);
      const forKnown = scheduled.splice(0);
      const unknown = await request("nobody.at.all@example.test");
      const forUnknown = scheduled.splice(0);
      expect(unknown).toEqual(known);
      expect(forKnown).toEqual(["password reset request"]);
      expect(forUnknown).toEqual(forKnown);
    } finally {
      background.run = original;
      await background.drain();
    }
  });

  it("rejects something that is not an email address", async () => {
    const res = await request("not-an-email");
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "email" });
  });
});

describe("resetting the password", () => {
  it("sets the new password, ends every session, lifts a lockout and mails a notice", async () => {
    const user = await t.createUser();
    const other = (await loginResult(user.email, DEFAULT_PASSWORD)).data!.login;
    for (let i = 0; i < 5; i++) await loginResult(user.email, "wrong password, wrong again");
    expect((await loginResult(user.email, DEFAULT_PASSWORD)).errors?.[0]?.extensions?.code).toBe("ACCOUNT_LOCKED");

    const token = await resetTokenFor(user.email);
    expect(await reset(token)).toEqual({ data: { resetPassword: true } });

    for (const session of [user, { token: other.accessToken }]) {
      expect((await t.gql(`{ mySessions { id } }`, {}, session.token)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
    expect((await t.gql(REFRESH, { t: other.refreshToken })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await loginResult(user.email, DEFAULT_PASSWORD)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const signedIn = await loginResult(user.email, NEW_PASSWORD);
    expect(signedIn.errors).toBeUndefined();
    expect((await t.gql(`{ me { emailVerified locked } }`, {}, signedIn.data!.login.accessToken)).data!.me).toEqual({ emailVerified: true, locked: false });

    const notice = await waitForMail(t, user.email, "PASSWORD_CHANGED");
    expect(notice.text).toMatch(/was reset at .* from 127\.0\.0\.1/);
    const audit = await t.gql(`query($id: ID!) { auditEvents(first: 20, filter: { targetId: $id }) { nodes { action } } }`, { id: user.id }, await t.adminToken());
    expect(audit.data!.auditEvents.nodes.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["PASSWORD_RESET_REQUESTED", "PASSWORD_RESET"]));
  });

  it("refuses a weak password without spending the link", async () => {
    const user = await t.createUser();
    const token = await resetTokenFor(user.email);
    const weak = await reset(token, "password1234");
    expect(weak.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "newPassword" });
    expect((await reset(token)).data?.resetPassword).toBe(true);
  });

  it("works once", async () => {
    const user = await t.createUser();
    const token = await resetTokenFor(user.email);
    expect((await reset(token)).errors).toBeUndefined();
    const again = await reset(token, "yet another passphrase 99");
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "token", reason: "USED" });
    expect(again.errors?.[0]?.message).toMatch(/already used/);
    expect((await loginResult(user.email, NEW_PASSWORD)).errors).toBeUndefined();
  });

  it("lets exactly one of two simultaneous uses of a link win", async () => {
    const user = await t.createUser();
    const token = await resetTokenFor(user.email);
    const results = await Promise.all([reset(token, "first racing passphrase 1"), reset(token, "second racing passphrase 2")]);
    expect(results.filter((r) => r.data?.resetPassword === true)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.reason === "USED")).toHaveLength(1);
  });

  it("refuses a link older than an hour", async () => {
    const user = await t.createUser();
    const token = await resetTokenFor(user.email);
    clock.advance(HOUR + MINUTE);
    const late = await reset(token);
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "EXPIRED" });
    expect(late.errors?.[0]?.message).toMatch(/expired/);
  });

  it("accepts only the newest link", async () => {
    const user = await t.createUser();
    const older = await resetTokenFor(user.email);
    const newer = await resetTokenFor(user.email, 2);
    expect((await reset(older)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "REPLACED" });
    expect((await reset(newer)).errors).toBeUndefined();
  });

  it("changes only the account the link was sent to", async () => {
    const owner = await t.createUser();
    const bystander = await t.createUser();
    const token = await resetTokenFor(owner.email);
    expect((await reset(token)).errors).toBeUndefined();
    expect((await loginResult(owner.email, NEW_PASSWORD)).errors).toBeUndefined();
    expect((await loginResult(bystander.email, NEW_PASSWORD)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await loginResult(bystander.email, DEFAULT_PASSWORD)).errors).toBeUndefined();
  });

  it("refuses tokens of other flows", async () => {
    const user = await t.createUser();
    const verification = tokenIn(await waitForMail(t, user.email, "VERIFY_EMAIL"), "hd_ve_");
    expect((await reset(verification)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID" });
  });
});

const REQUEST = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`;
