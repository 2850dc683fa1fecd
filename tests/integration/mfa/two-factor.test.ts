import { generateSync } from "otplib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DAY, MINUTE, tokenIn, useClock, waitForMail, type TestClock } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";

let t: TestServer;
let clock: TestClock;
beforeAll(async () => {
  t = await startTestServer({ env: { RATE_LIMIT_ACCOUNT_EMAILS_PER_IP_PER_HOUR: "1000" } });
  clock = useClock(t);
});
afterEach(() => clock.reset());
afterAll(() => t?.close());

/** The code an authenticator app shows `offsetSeconds` from the server's now. */
const codeAt = (secret: string, offsetSeconds = 0) => generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) + offsetSeconds });

/** Moves the server's clock to the middle of a 30-second step, so a step boundary cannot fall between making a code and checking it. */
function midStep(): void {
  const intoStep = (clock.now().getTime() / 1000) % 30;
  clock.advance((15 - intoStep) * 1000);
}

interface Enrolled {
  id: string;
  email: string;
  password: string;
  token: string;
  secret: string;
  recoveryCodes: string[];
}

async function enrolledUser(role: "CUSTOMER" | "AGENT" = "CUSTOMER"): Promise<Enrolled> {
  const user = await t.createUser(role);
  const started = await t.gql(START, {}, user.token);
  expect(started.errors).toBeUndefined();
  const secret = started.data!.startTotpEnrolment.manualKey.replace(/ /g, "");
  midStep();
  const confirmed = await t.gql(CONFIRM, { code: codeAt(secret) }, user.token);
  expect(confirmed.errors).toBeUndefined();
  // The first code is used (and its window's older ones): sign-ins start two steps later.
  clock.advance(60_000);
  return { ...user, secret, recoveryCodes: confirmed.data!.confirmTotpEnrolment.recoveryCodes };
}

async function challengeFor(email: string, password: string): Promise<string> {
  const res = await t.gql(LOGIN, { i: { email, password } });
  expect(res.data?.login ?? null).toBeNull();
  expect(res.errors?.[0]?.extensions?.code).toBe("MFA_REQUIRED");
  return res.errors![0]!.extensions!.challengeToken as string;
}

const complete = (input: Record<string, unknown>) => t.gql(COMPLETE, { input });
const codeOf = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions?.code;

describe("TOTP enrolment", () => {
  it("hands out a QR code, an otpauth URI and a manual key, stores the secret encrypted, and turns on with a first code", async () => {
    const user = await t.createUser();
    const started = (await t.gql(START, {}, user.token)).data!.startTotpEnrolment;
    const secret = started.manualKey.replace(/ /g, "");
    expect(started.otpauthUri).toMatch(new RegExp(`^otpauth://totp/.*secret=${secret}`));
    expect(started.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const wrong = await t.gql(CONFIRM, { code: "000000" }, user.token);
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "code" });
    midStep();
    const confirmed = await t.gql(CONFIRM, { code: codeAt(secret) }, user.token);
    expect(confirmed.errors).toBeUndefined();
    const codes: string[] = confirmed.data!.confirmTotpEnrolment.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    codes.forEach((c) => expect(c).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/));

    const status = await t.gql(STATUS, {}, user.token);
    expect(status.data!.mySecondFactor).toEqual({ totpEnabled: true, passkeyCount: 0, recoveryCodesLeft: 10, required: false, graceEndsAt: null });

    const [row] = await t.server.services.orm.em
      .fork()
      .getConnection()
      .execute<{ totp_secret: string }[]>("select s.totp_secret from mfa_states s join users u on u.id = s.user_id where u.email = ?", [user.email]);
    expect(row!.totp_secret).toMatch(/^v1\./);
    expect(row!.totp_secret).not.toContain(secret);
    const [hashes] = await t.server.services.orm.em.fork().getConnection().execute<{ n: number }[]>("select count(*) as n from mfa_recovery_codes where code_hash = ?", [codes[0]]);
    expect(Number(hashes!.n)).toBe(0); // stored hashed
  });

  it("lets several accounts confirm their first code at the same moment (no deadlock on MariaDB)", async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => t.createUser()));
    const secrets = await Promise.all(users.map(async (u) => (await t.gql(START, {}, u.token)).data!.startTotpEnrolment.manualKey.replace(/ /g, "") as string));
    midStep();
    const confirmed = await Promise.all(users.map((u, i) => t.gql(CONFIRM, { code: codeAt(secrets[i]!) }, u.token)));
    expect(confirmed.map((r) => r.errors)).toEqual(users.map(() => undefined));
    confirmed.forEach((r) => expect(r.data!.confirmTotpEnrolment.recoveryCodes).toHaveLength(10));
  });
});

describe("signing in with a password and a second factor", () => {
  it("answers MFA_REQUIRED instead of tokens, then signs in with the code", async () => {
    const user = await enrolledUser();
    const res = await t.gql(LOGIN, { i: { email: user.email, password: user.password } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "MFA_REQUIRED", methods: ["TOTP", "RECOVERY_CODE"] });
    const challengeToken = res.errors![0]!.extensions!.challengeToken as string;
    expect(challengeToken).toMatch(/^hd_mfa_/);
    expect(new Date(res.errors![0]!.extensions!.expiresAt as string).getTime() - clock.now().getTime()).toBeLessThanOrEqual(5 * MINUTE);
    // The challenge is no access token.
    expect((await t.gql(`{ me { id } }`, {}, challengeToken)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    midStep();
    const done = await complete({ challengeToken, code: codeAt(user.secret) });
    expect(done.errors).toBeUndefined();
    expect((await t.gql(`{ me { id } }`, {}, done.data!.completeSignIn.accessToken)).data!.me.id).toBe(user.id);
    // Single use.
    clock.advance(30_000);
    const again = await complete({ challengeToken, code: codeAt(user.secret) });
    expect(again.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "MFA_CHALLENGE_INVALID" });
  });

  it("accepts the codes of the step before and after, not two steps away", async () => {
    const user = await enrolledUser();
    midStep();
    const challengeToken = await challengeFor(user.email, user.password);
    expect(codeOf(await complete({ challengeToken, code: codeAt(user.secret, -60) }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await complete({ challengeToken, code: codeAt(user.secret, 60) }))).toBe("UNAUTHENTICATED");
    expect((await complete({ challengeToken, code: codeAt(user.secret, -30) })).errors).toBeUndefined();
    const next = await challengeFor(user.email, user.password);
    expect((await complete({ challengeToken: next, code: codeAt(user.secret, 30) })).errors).toBeUndefined();
  });

  it("refuses a code already used, within its window", async () => {
    const user = await enrolledUser();
    midStep();
    const code = codeAt(user.secret);
    expect((await complete({ challengeToken: await challengeFor(user.email, user.password), code })).errors).toBeUndefined();
    const replay = await complete({ challengeToken: await challengeFor(user.email, user.password), code });
    expect(replay.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "MFA_CODE_INVALID" });
    // Nor an older code of the window.
    expect(codeOf(await complete({ challengeToken: await challengeFor(user.email, user.password), code: codeAt(user.secret, -30) }))).toBe("UNAUTHENTICATED");
  });

  it("locks the account after five wrong codes, like five wrong passwords", async () => {
    const user = await enrolledUser();
    const challengeToken = await challengeFor(user.email, user.password);
    const wrong = codeAt(user.secret, 3600);
    for (let i = 0; i < 4; i++) expect(codeOf(await complete({ challengeToken, code: wrong }))).toBe("UNAUTHENTICATED");
    const fifth = await complete({ challengeToken, code: wrong });
    expect(fifth.errors?.[0]?.extensions?.code).toBe("ACCOUNT_LOCKED");
    midStep();
    expect(codeOf(await complete({ challengeToken, code: codeAt(user.secret) }))).toBe("ACCOUNT_LOCKED");
    expect(codeOf(await t.gql(LOGIN, { i: { email: user.email, password: user.password } }))).toBe("ACCOUNT_LOCKED");

    const audit = await t.gql(
      `query($id: ID!) { auditEvents(first: 10, filter: { actorId: $id, actions: [SECOND_FACTOR_FAILED] }) { nodes { details } } }`,
      { id: user.id },
      await t.adminToken(),
    );
    expect(audit.data!.auditEvents.nodes).toHaveLength(5);
    expect(audit.data!.auditEvents.nodes[0].details).toEqual({ method: "totp", failures: 5 });
  });

  it("expires the challenge after five minutes and binds it to its account", async () => {
    const user = await enrolledUser();
    const other = await enrolledUser();
    const challengeToken = await challengeFor(user.email, user.password);
    midStep();
    // Another account's right code does not complete this account's challenge.
    expect(codeOf(await complete({ challengeToken, code: codeAt(other.secret) }))).toBe("UNAUTHENTICATED");
    clock.advance(5 * MINUTE + 20_000);
    midStep();
    const late = await complete({ challengeToken, code: codeAt(user.secret) });
    expect(late.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "MFA_CHALLENGE_INVALID" });
  });

  it("signs in once with each recovery code; new codes replace the old", async () => {
    const user = await enrolledUser();
    const [first, second] = user.recoveryCodes;
    const done = await complete({ challengeToken: await challengeFor(user.email, user.password), recoveryCode: first!.toLowerCase() });
    expect(done.errors).toBeUndefined();
    const reused = await complete({ challengeToken: await challengeFor(user.email, user.password), recoveryCode: first });
    expect(reused.errors?.[0]?.extensions?.reason).toBe("MFA_CODE_INVALID");
    const token = done.data!.completeSignIn.accessToken;
    expect((await t.gql(STATUS, {}, token)).data!.mySecondFactor.recoveryCodesLeft).toBe(9);

    const fresh: string[] = (await t.gql(`mutation { regenerateRecoveryCodes }`, {}, token)).data!.regenerateRecoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(codeOf(await complete({ challengeToken: await challengeFor(user.email, user.password), recoveryCode: second }))).toBe("UNAUTHENTICATED");
    expect((await complete({ challengeToken: await challengeFor(user.email, user.password), recoveryCode: fresh[0] })).errors).toBeUndefined();
  });

  it("signs in in one request when the code comes with the password, with the same replay guard and lockout", async () => {
    const user = await enrolledUser();
    midStep();
    const code = codeAt(user.secret);
    const done = await t.gql(LOGIN, { i: { email: user.email, password: user.password, totpCode: code } });
    expect(done.errors).toBeUndefined();
    expect((await t.gql(`{ me { id } }`, {}, done.data!.login.accessToken)).data!.me.id).toBe(user.id);
    // The same code again is a replay, counted as a wrong code.
    const replay = await t.gql(LOGIN, { i: { email: user.email, password: user.password, totpCode: code } });
    expect(replay.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "MFA_CODE_INVALID" });
    // A wrong password with a right code says only "wrong credentials".
    clock.advance(30_000);
    const wrongPassword = await t.gql(LOGIN, { i: { email: user.email, password: "not the password at all", totpCode: codeAt(user.secret) } });
    expect(wrongPassword.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(wrongPassword.errors?.[0]?.extensions?.reason).toBeUndefined();
    const wrong = codeAt(user.secret, 3600);
    // Replay (1) + wrong password (2) + three wrong codes = five failures: locked.
    for (let i = 0; i < 2; i++) expect(codeOf(await t.gql(LOGIN, { i: { email: user.email, password: user.password, totpCode: wrong } }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(LOGIN, { i: { email: user.email, password: user.password, totpCode: wrong } }))).toBe("ACCOUNT_LOCKED");
    midStep();
    expect(codeOf(await t.gql(LOGIN, { i: { email: user.email, password: user.password, totpCode: codeAt(user.secret) } }))).toBe("ACCOUNT_LOCKED");

    const audit = await t.gql(
      `query($id: ID!) { auditEvents(first: 10, filter: { actorId: $id, actions: [SECOND_FACTOR_SUCCEEDED] }) { nodes { details } } }`,
      { id: user.id },
      await t.adminToken(),
    );
    expect(audit.data!.auditEvents.nodes).toEqual([{ details: { method: "totp", firstFactor: "password" } }]);
  });

  it("ignores a code sent for an account without an authenticator app", async () => {
    const user = await t.createUser();
    const res = await t.gql(LOGIN, { i: { email: user.email, password: user.password, totpCode: "123456" } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.login.accessToken).toBeTruthy();
  });

  it("asks for exactly one answer", async () => {
    const user = await enrolledUser();
    const res = await complete({ challengeToken: await challengeFor(user.email, user.password), code: "123456", recoveryCode: user.recoveryCodes[0] });
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("the emailed-link flows", () => {
  it("a sign-in link asks for the second factor too, and the sign-in is audited as the link's", async () => {
    const user = await enrolledUser();
    await t.gql(`mutation($email: String!) { requestSignInLink(email: $email) }`, { email: user.email });
    const token = tokenIn(await waitForMail(t, user.email, "SIGN_IN_LINK"), "hd_sl_");
    const res = await t.gql(`mutation($token: String!) { signInWithLink(token: $token) { accessToken } }`, { token });
    expect(res.errors?.[0]?.extensions?.code).toBe("MFA_REQUIRED");
    // The link is spent: it cannot fetch a second challenge.
    expect((await t.gql(`mutation($token: String!) { signInWithLink(token: $token) { accessToken } }`, { token })).errors?.[0]?.extensions?.reason).toBe("USED");
    midStep();
    const done = await complete({ challengeToken: res.errors![0]!.extensions!.challengeToken, code: codeAt(user.secret) });
    expect(done.errors).toBeUndefined();
    const audit = await t.gql(
      `query($id: ID!) { auditEvents(first: 1, filter: { actorId: $id, actions: [LOGIN_SUCCEEDED] }) { nodes { details } } }`,
      { id: user.id },
      await t.adminToken(),
    );
    expect(audit.data!.auditEvents.nodes).toEqual([{ details: { method: "sign_in_link" } }]);
  });

  it("a password reset lifts a lockout from wrong passwords but not one from wrong codes", async () => {
    const reset = async (user: Enrolled, password: string) => {
      await t.gql(`mutation($email: String!) { requestPasswordReset(email: $email) }`, { email: user.email });
      const token = tokenIn(await waitForMail(t, user.email, "PASSWORD_RESET"), "hd_pr_");
      expect((await t.gql(`mutation($token: String!, $p: String!) { resetPassword(token: $token, newPassword: $p) }`, { token, p: password })).data?.resetPassword).toBe(true);
    };
    const byCodes = await enrolledUser();
    const challengeToken = await challengeFor(byCodes.email, byCodes.password);
    const wrong = codeAt(byCodes.secret, 3600);
    for (let i = 0; i < 5; i++) await complete({ challengeToken, code: wrong });
    await reset(byCodes, "a brand new passphrase 43");
    expect(codeOf(await t.gql(LOGIN, { i: { email: byCodes.email, password: "a brand new passphrase 43" } }))).toBe("ACCOUNT_LOCKED");

    const byPasswords = await enrolledUser();
    for (let i = 0; i < 5; i++) await t.gql(LOGIN, { i: { email: byPasswords.email, password: "a wrong passphrase guess" } });
    expect(codeOf(await t.gql(LOGIN, { i: { email: byPasswords.email, password: byPasswords.password } }))).toBe("ACCOUNT_LOCKED");
    await reset(byPasswords, "a brand new passphrase 44");
    expect(codeOf(await t.gql(LOGIN, { i: { email: byPasswords.email, password: "a brand new passphrase 44" } }))).toBe("MFA_REQUIRED");
  });

  it("a password reset keeps the second factor: the next sign-in still asks for it", async () => {
    const user = await enrolledUser();
    await t.gql(`mutation($email: String!) { requestPasswordReset(email: $email) }`, { email: user.email });
    const token = tokenIn(await waitForMail(t, user.email, "PASSWORD_RESET"), "hd_pr_");
    const newPassword = "a brand new passphrase 42";
    expect((await t.gql(`mutation($token: String!, $p: String!) { resetPassword(token: $token, newPassword: $p) }`, { token, p: newPassword })).data?.resetPassword).toBe(true);
    const challengeToken = await challengeFor(user.email, newPassword);
    midStep();
    expect((await complete({ challengeToken, code: codeAt(user.secret) })).errors).toBeUndefined();
  });
});

describe("the role policy", () => {
  it("tells a required user of the grace period, then asks them to enrol with a token good for nothing else", async () => {
    const admin = await t.adminToken();
    const set = await t.gql(POLICY, { role: "AGENT", required: true, graceDays: 3 }, admin);
    expect(set.data!.setSecondFactorPolicy).toEqual({ role: "AGENT", required: true, graceDays: 3, custom: true });
    const agent = await t.createUser("AGENT");

    const first = await t.login(agent.email, agent.password);
    const status = (await t.gql(STATUS, {}, first.accessToken)).data!.mySecondFactor;
    expect(status.required).toBe(true);
    expect(new Date(status.graceEndsAt).getTime() - clock.now().getTime()).toBeGreaterThan(2.9 * DAY);

    clock.advance(3 * DAY + MINUTE);
    const res = await t.gql(LOGIN, { i: { email: agent.email, password: agent.password } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "MFA_ENROLMENT_REQUIRED", methods: ["TOTP", "PASSKEY"] });
    const enrolmentToken = res.errors![0]!.extensions!.challengeToken as string;
    expect((await t.gql(`{ me { id } }`, {}, enrolmentToken)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    // Nor does it complete a sign-in.
    expect(codeOf(await complete({ challengeToken: enrolmentToken, code: "123456" }))).toBe("UNAUTHENTICATED");

    // A passkey may be enrolled instead (the browser's part is in tests/e2e/mfa.e2e.ts): the token
    // starts a registration for its account, and a forged answer is refused without a sign-in.
    const passkey = await t.gql(`mutation($token: String) { startPasskeyRegistration(enrolmentToken: $token) { challengeToken optionsJson } }`, { token: enrolmentToken });
    expect(passkey.errors).toBeUndefined();
    expect(JSON.parse(passkey.data!.startPasskeyRegistration.optionsJson).user.name).toBe(agent.email);
    const forged = await t.gql(
      `mutation($e: String!, $c: String!) { finishPasskeyEnrolment(enrolmentToken: $e, challengeToken: $c, name: "Key", response: "{\\"id\\":\\"x\\"}") { signIn { accessToken } } }`,
      { e: enrolmentToken, c: passkey.data!.startPasskeyRegistration.challengeToken },
    );
    expect(codeOf(forged)).toBe("BAD_USER_INPUT");
    expect(forged.data?.finishPasskeyEnrolment ?? null).toBeNull();
    // Without a token or a session there is no account to register for.
    expect(codeOf(await t.gql(`mutation { startPasskeyRegistration { challengeToken } }`))).toBe("UNAUTHENTICATED");

    const started = await t.gql(START_WITH, { token: enrolmentToken });
    expect(started.errors).toBeUndefined();
    midStep();
    const confirmed = await t.gql(CONFIRM_WITH, { code: codeAt(started.data!.startTotpEnrolment.manualKey.replace(/ /g, "")), token: enrolmentToken });
    expect(confirmed.errors).toBeUndefined();
    const signIn = confirmed.data!.confirmTotpEnrolment.signIn;
    expect((await t.gql(`{ me { id } }`, {}, signIn.accessToken)).data!.me.id).toBe(agent.id);
    expect(confirmed.data!.confirmTotpEnrolment.recoveryCodes).toHaveLength(10);

    // Back to today, where the admin's session is still in use.
    clock.reset();
    const policies = (await t.gql(`{ secondFactorPolicies { role required graceDays custom } }`, {}, admin)).data!.secondFactorPolicies;
    expect(policies).toContainEqual({ role: "ADMIN", required: false, graceDays: 7, custom: false });
    await t.gql(POLICY, { role: "AGENT", required: false, graceDays: 7 }, admin);
  });

  it("is the admins' to set", async () => {
    const agent = await t.createUser("AGENT");
    expect(codeOf(await t.gql(POLICY, { role: "AGENT", required: false, graceDays: 1 }, agent.token))).toBe("FORBIDDEN");
  });
});

describe("admin reset", () => {
  it("removes every second factor, emails the user, is audited and counted", async () => {
    const user = await enrolledUser();
    const admin = await t.adminToken();
    const res = await t.gql(`mutation($id: ID!) { resetSecondFactor(userId: $id) { id } }`, { id: user.id }, admin);
    expect(res.errors).toBeUndefined();
    const mail = await waitForMail(t, user.email, "SECOND_FACTOR_RESET");
    expect(mail.subject).toBe("Your two-factor authentication was reset");

    const signedIn = await t.login(user.email, user.password);
    expect((await t.gql(STATUS, {}, signedIn.accessToken)).data!.mySecondFactor).toMatchObject({ totpEnabled: false, recoveryCodesLeft: 0 });

    const audit = await t.gql(`query($id: ID!) { auditEvents(first: 5, filter: { targetId: $id, actions: [SECOND_FACTOR_RESET] }) { nodes { targetId } } }`, { id: user.id }, admin);
    expect(audit.data!.auditEvents.nodes.map((n: { targetId: string }) => n.targetId)).toContain(user.id);
    const stats = await t.gql(`{ securityStats(window: LAST_30_DAYS) { secondFactorSuccesses secondFactorFailures secondFactorResets } }`, {}, admin);
    expect(stats.errors).toBeUndefined();
    expect(stats.data!.securityStats.secondFactorResets).toBeGreaterThanOrEqual(1);
    expect(stats.data!.securityStats.secondFactorSuccesses).toBeGreaterThanOrEqual(1);
    expect(stats.data!.securityStats.secondFactorFailures).toBeGreaterThanOrEqual(1);

    const other = await t.createUser();
    expect(codeOf(await t.gql(`mutation($id: ID!) { resetSecondFactor(userId: $id) { id } }`, { id: user.id }, other.token))).toBe("FORBIDDEN");
  });
});

describe("managing second factors", () => {
  it("turns TOTP off with a current code, after which the password alone signs in", async () => {
    const user = await enrolledUser();
    expect((await t.gql(`mutation($c: String!) { disableTotp(code: $c) }`, { c: "000000" }, user.token)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    midStep();
    expect((await t.gql(`mutation($c: String!) { disableTotp(code: $c) }`, { c: codeAt(user.secret) }, user.token)).data?.disableTotp).toBe(true);
    expect((await t.gql(STATUS, {}, user.token)).data!.mySecondFactor).toMatchObject({ totpEnabled: false, recoveryCodesLeft: 0 });
    expect((await t.login(user.email, user.password)).accessToken).toBeTruthy();
  });

  it("is for signed-in sessions only, never an API token", async () => {
    const user = await t.createUser();
    const created = await t.gql(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
      { i: { name: "script", scopes: ["TICKETS_READ"], expiresAt: new Date(Date.now() + DAY).toISOString() } },
      user.token,
    );
    const pat = created.data!.createApiToken.token as string;
    expect(codeOf(await t.gql(START, {}, pat))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(`mutation { startPasskeyRegistration { challengeToken } }`, {}, pat))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(START, {}))).toBe("UNAUTHENTICATED");
  });

  it("checks what passkey answers and challenges it is given", async () => {
    const user = await t.createUser();
    const started = (await t.gql(`mutation { startPasskeyRegistration { challengeToken optionsJson } }`, {}, user.token)).data!.startPasskeyRegistration;
    const options = JSON.parse(started.optionsJson);
    expect(options).toMatchObject({ rp: { id: "localhost", name: "DeskQL" }, authenticatorSelection: { residentKey: "required" } });
    const finish = `mutation($c: String!, $n: String!, $r: String!) { finishPasskeyRegistration(challengeToken: $c, name: $n, response: $r) { id } }`;
    expect((await t.gql(finish, { c: started.challengeToken, n: "Laptop", r: "not json" }, user.token)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "response" });
    expect((await t.gql(finish, { c: started.challengeToken, n: " ", r: "{}" }, user.token)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "name" });
    const forged = JSON.stringify({ id: "AAAA", rawId: "AAAA", type: "public-key", response: { clientDataJSON: "e30", attestationObject: "oA" }, clientExtensionResults: {} });
    expect(codeOf(await t.gql(finish, { c: started.challengeToken, n: "Laptop", r: forged }, user.token))).toBe("BAD_USER_INPUT");

    const passwordless = (await t.gql(`mutation { startPasskeySignIn { challengeToken optionsJson } }`)).data!.startPasskeySignIn;
    expect(JSON.parse(passwordless.optionsJson)).toMatchObject({ rpId: "localhost", userVerification: "required", allowCredentials: [] });
    expect(codeOf(await complete({ challengeToken: passwordless.challengeToken, code: "123456" }))).toBe("BAD_USER_INPUT");
    const unknown = await complete({ challengeToken: passwordless.challengeToken, passkeyResponse: forged });
    expect(unknown.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await complete({ challengeToken: "hd_mfa_made-up", code: "123456" })).errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "MFA_CHALLENGE_INVALID" });
  });
});

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
const START = `mutation { startTotpEnrolment { otpauthUri qrCodeDataUrl manualKey } }`;
const CONFIRM = `mutation($code: String!) { confirmTotpEnrolment(code: $code) { recoveryCodes } }`;
const START_WITH = `mutation($token: String) { startTotpEnrolment(enrolmentToken: $token) { manualKey } }`;
const CONFIRM_WITH = `mutation($code: String!, $token: String) { confirmTotpEnrolment(code: $code, enrolmentToken: $token) { recoveryCodes signIn { accessToken } } }`;
const COMPLETE = `mutation($input: CompleteSignInInput!) { completeSignIn(input: $input) { accessToken user { id } } }`;
const STATUS = `{ mySecondFactor { totpEnabled passkeyCount recoveryCodesLeft required graceEndsAt } }`;
const POLICY = `mutation($role: Role!, $required: Boolean!, $graceDays: Int!) { setSecondFactorPolicy(role: $role, required: $required, graceDays: $graceDays) { role required graceDays custom } }`;
