import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DAY, tokenIn, useClock, waitForMail, type TestClock } from "../../support/mailbox.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

let t: TestServer;
let clock: TestClock;
let admin: string;
let counter = 0;
beforeAll(async () => {
  t = await startTestServer();
  clock = useClock(t);
  admin = await t.adminToken();
});
afterEach(() => clock.reset());
afterAll(() => t?.close());

const newAddress = () => `invitee${++counter}.${Math.random().toString(36).slice(2, 8)}@example.test`;

/** Invites `email` and returns the invitation's id and the token of the mailed link. */
async function invite(email: string, role = "AGENT", count = 1): Promise<{ id: string; token: string }> {
  const res = await t.gql(INVITE, { i: { email, role } }, admin);
  expect(res.errors).toBeUndefined();
  const mail = await waitForMail(t, email, "INVITATION", count);
  expect(mail.text).toContain(`${t.server.services.config.publicUrl}/#/invitation/hd_iv_`);
  return { id: res.data!.inviteUser.id, token: tokenIn(mail, "hd_iv_") };
}

describe("invitations", () => {
  it("are mailed, previewed, and accepted with a name and password, which signs the new account in with the invited role", async () => {
    const email = newAddress();
    const { id, token } = await invite(email, "AGENT");

    const preview = await t.gql(PREVIEW, { token });
    expect(preview.data!.invitation).toMatchObject({ email, role: "AGENT", ssoRequired: false });

    const weak = await t.gql(ACCEPT, { i: { token, displayName: "Ada Agent", password: "short" } });
    expect(weak.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "password" });

    const res = await t.gql(ACCEPT, { i: { token, displayName: "Ada Agent", password: DEFAULT_PASSWORD } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.acceptInvitation.user).toMatchObject({ email, displayName: "Ada Agent", role: "AGENT", emailVerified: true });
    expect((await t.gql(`{ me { email role } }`, {}, res.data!.acceptInvitation.accessToken)).data!.me).toEqual({ email, role: "AGENT" });
    // The password works from now on, and the link does not work twice.
    await t.login(email, DEFAULT_PASSWORD);
    const again = await t.gql(ACCEPT, { i: { token, displayName: "Mallory", password: DEFAULT_PASSWORD } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "ACCEPTED" });

    const listed = await t.gql(LIST, { f: { status: "ACCEPTED" } }, admin);
    expect(listed.data!.invitations.nodes).toContainEqual(expect.objectContaining({ id, email, status: "ACCEPTED" }));
    const audit = await t.gql(AUDIT, { id }, admin);
    expect(audit.data!.auditEvents.nodes.map((n: { action: string }) => n.action).sort()).toEqual(["INVITATION_ACCEPTED", "INVITATION_CREATED"]);
  });

  it("expire after INVITATION_TTL_DAYS, and a re-sent invitation works again with a new link only", async () => {
    const email = newAddress();
    const { id, token } = await invite(email, "CUSTOMER");
    clock.advance(7 * DAY + 60_000);
    const expired = await t.gql(ACCEPT, { i: { token, displayName: "Late", password: DEFAULT_PASSWORD } });
    expect(expired.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "EXPIRED" });
    // A week later the suite's admin session has gone idle: a fresh one, so the suite's stays usable.
    const lateAdmin = (await t.login(ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken;
    expect((await t.gql(LIST, { f: { status: "EXPIRED" } }, lateAdmin)).data!.invitations.nodes.map((n: { id: string }) => n.id)).toContain(id);
    expect((await t.gql(RESEND, { id }, lateAdmin)).data!.resendInvitation.status).toBe("PENDING");
    clock.reset();
    const fresh = tokenIn(await waitForMail(t, email, "INVITATION", 2), "hd_iv_");
    expect(fresh).not.toBe(token);
    expect((await t.gql(PREVIEW, { token })).errors?.[0]?.extensions?.reason).toBe("INVALID");
    const res = await t.gql(ACCEPT, { i: { token: fresh, displayName: "On time", password: DEFAULT_PASSWORD } });
    expect(res.data!.acceptInvitation.user.role).toBe("CUSTOMER");
  });

  it("stop working when revoked", async () => {
    const email = newAddress();
    const { id, token } = await invite(email);
    expect((await t.gql(REVOKE, { id }, admin)).data!.revokeInvitation.status).toBe("REVOKED");
    const res = await t.gql(ACCEPT, { i: { token, displayName: "Too late", password: DEFAULT_PASSWORD } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "REVOKED" });
    expect((await t.gql(`query($f: UserFilter) { users(first: 5, filter: $f) { nodes { id } } }`, { f: { search: email } }, admin)).data!.users.nodes).toEqual([]);
  });

  it("refuse an address that already has an account or a pending invitation", async () => {
    const user = await t.createUser();
    const taken = await t.gql(INVITE, { i: { email: user.email.toUpperCase(), role: "AGENT" } }, admin);
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "email" });
    const email = newAddress();
    await invite(email);
    const twice = await t.gql(INVITE, { i: { email, role: "ADMIN" } }, admin);
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "email" });
  });

  it("are for admins only", async () => {
    const agent = await t.createUser("AGENT");
    const res = await t.gql(INVITE, { i: { email: newAddress(), role: "ADMIN" } }, agent.token);
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(LIST, {}, agent.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("reactivation", () => {
  it("lets a deactivated user sign in again, audited and emailed", async () => {
    const user = await t.createUser();
    await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: user.id }, admin);
    const refused = await t.gql(LOGIN, { i: { email: user.email, password: user.password } });
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const res = await t.gql(REACTIVATE, { id: user.id }, admin);
    expect(res.data!.reactivateUser).toEqual({ id: user.id, deactivatedAt: null });
    await t.login(user.email, user.password);
    const mail = await waitForMail(t, user.email, "ACCOUNT_REACTIVATED");
    expect(mail.subject).toBe("Your account was reactivated");
    const audit = await t.gql(`query($id: ID!) { auditEvents(first: 5, filter: { targetId: $id, actions: [USER_REACTIVATED] }) { nodes { action } } }`, { id: user.id }, admin);
    expect(audit.data!.auditEvents.nodes).toEqual([{ action: "USER_REACTIVATED" }]);
  });

  it("is refused to non-admins", async () => {
    const agent = await t.createUser("AGENT");
    const user = await t.createUser();
    await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: user.id }, admin);
    const res = await t.gql(REACTIVATE, { id: user.id }, agent.token);
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(LOGIN, { i: { email: user.email, password: user.password } })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

const INVITE = `mutation($i: InviteUserInput!) { inviteUser(input: $i) { id email role status expiresAt } }`;
const RESEND = `mutation($id: ID!) { resendInvitation(id: $id) { id status } }`;
const REVOKE = `mutation($id: ID!) { revokeInvitation(id: $id) { id status } }`;
const PREVIEW = `query($token: String!) { invitation(token: $token) { email role expiresAt ssoRequired } }`;
const ACCEPT = `mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { accessToken user { id email displayName role emailVerified } } }`;
const LIST = `query($f: InvitationFilter) { invitations(first: 50, filter: $f) { nodes { id email role status } } }`;
const AUDIT = `query($id: ID!) { auditEvents(first: 10, filter: { targetId: $id }) { nodes { action } } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
const REACTIVATE = `mutation($id: ID!) { reactivateUser(userId: $id) { id deactivatedAt } }`;
