import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemScope } from "../../../src/core/scope.js";
import { DomainEventRecord } from "../../../src/db/domain-event.entity.js";
import { AuditEvent } from "../../../src/modules/audit/audit-event.entity.js";
import { recordKeyRotation } from "../../../src/modules/auth/key-rotation.js";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

/**
 * Account, session, token and security changes raise domain events: each is stored once in
 * domain_events, in the transaction of the change, with its actor, target, refs.userId and ADMIN
 * visibility; and the audit trail, a subscriber, still shows the entry it always showed.
 */
let t: TestServer;
let admin: string;
let adminId: string;

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.adminToken();
  adminId = (await t.gql(`{ me { id } }`, {}, admin)).data!.me.id;
});
afterAll(() => t?.close());

type Stored = Pick<DomainEventRecord, "type" | "actorId" | "targetType" | "targetId" | "userId" | "visibility" | "payload">;

/** The stored events of `type` about `targetId`, oldest first. */
async function stored(type: string, targetId: string): Promise<Stored[]> {
  const rows = await t.server.orm.em.fork().find(DomainEventRecord, { type, targetId }, { orderBy: { position: "ASC" } });
  return rows.map(({ type, actorId, targetType, targetId, userId, visibility, payload }) => ({ type, actorId, targetType, targetId, userId, visibility, payload }));
}

/** The audit trail's entries of `action` about `targetId`, as an admin reads them. */
async function audited(action: string, targetId: string) {
  const res = await t.gql(AUDIT, { f: { actions: [action], targetId } }, admin);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  type Node = { actor: { id: string } | null; targetType: string | null; targetId: string | null; details: Record<string, unknown> | null };
  return (res.data!.auditEvents.nodes as Node[]).map((n) => ({ actorId: n.actor?.id ?? null, targetType: n.targetType, targetId: n.targetId, details: n.details }));
}

/** Exactly one stored event like `expected`, and exactly one audit entry that says the same. */
async function expectRecordedOnce(expected: Stored, action: string) {
  expect(await stored(expected.type, expected.targetId)).toEqual([expected]);
  const details = Object.keys(expected.payload).length ? expected.payload : null;
  expect(await audited(action, expected.targetId)).toEqual([{ actorId: expected.actorId, targetType: expected.targetType, targetId: expected.targetId, details }]);
}

const onUser = (userId: string) => ({ targetType: "User", targetId: userId, userId, visibility: "ADMIN" as const });

describe("account events", () => {
  it("records a registration and its verification email, by the new user", async () => {
    const user = await t.createUser();
    await expectRecordedOnce({ type: "user.registered", actorId: user.id, ...onUser(user.id), payload: {} }, "USER_REGISTERED");
    await expectRecordedOnce({ type: "email_verification.sent", actorId: user.id, ...onUser(user.id), payload: {} }, "EMAIL_VERIFICATION_SENT");
  });

  it("records each failed sign-in, then the lockout (by no one), then the admin's unlock", async () => {
    const user = await t.createUser();
    for (let i = 0; i < 5; i++) await t.gql(LOGIN, { i: { email: user.email, password: "not the passphrase at all" } });

    const failures = await stored("login.failed", user.id);
    expect(failures).toEqual([1, 2, 3, 4, 5].map((failures) => ({ type: "login.failed", actorId: user.id, ...onUser(user.id), payload: { reason: "wrong_password", failures } })));
    expect(await audited("LOGIN_FAILED", user.id)).toHaveLength(5);
    const [locked] = await stored("account.locked", user.id);
    expect(locked).toMatchObject({ actorId: null, ...onUser(user.id), payload: { until: expect.any(String) } });
    await expectRecordedOnce(locked!, "ACCOUNT_LOCKED");

    await t.gql(`mutation($id: ID!) { unlockUser(userId: $id) { id } }`, { id: user.id }, admin);
    await expectRecordedOnce({ type: "user.unlocked", actorId: adminId, ...onUser(user.id), payload: {} }, "USER_UNLOCKED");
  });

  it("records a failed sign-in for an address without an account against the request, with no actor or user", async () => {
    const email = `nobody.${Date.now()}@example.test`;
    const res = await t.gql(LOGIN, { i: { email, password: "any passphrase whatsoever" } });
    expect(res.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    const rows = await t.server.orm.em.fork().find(DomainEventRecord, { type: "login.failed", userId: null });
    const mine = rows.filter((r) => r.payload.email === email);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ actorId: null, targetType: "Request", visibility: "ADMIN", payload: { reason: "unknown_email", email } });
    const trail = await t.gql(AUDIT, { f: { actions: ["LOGIN_FAILED"] } }, admin);
    const entries = (trail.data!.auditEvents.nodes as { targetType: string | null; details: Record<string, unknown> }[]).filter((n) => n.details.email === email);
    expect(entries).toEqual([expect.objectContaining({ targetType: null, targetId: null, actor: null, details: { reason: "unknown_email", email } })]);
  });

  it("records a sign-in and a sign-out against the session", async () => {
    const user = await t.createUser();
    const signedIn = (await t.gql(LOGIN_IDS, { i: { email: user.email, password: DEFAULT_PASSWORD } })).data!.login;
    const sessionId = (await t.gql(`{ mySessions { id current } }`, {}, signedIn.accessToken)).data!.mySessions.find((s: { current: boolean }) => s.current).id;
    const onSession = { targetType: "Session", targetId: sessionId, userId: user.id, visibility: "ADMIN" as const };
    await expectRecordedOnce({ type: "login.succeeded", actorId: user.id, ...onSession, payload: {} }, "LOGIN_SUCCEEDED");
    await t.gql(`mutation { logout }`, {}, signedIn.accessToken);
    await expectRecordedOnce({ type: "user.logged_out", actorId: user.id, ...onSession, payload: {} }, "LOGGED_OUT");
  });

  it("records a role change with its old and new role, by the admin", async () => {
    const user = await t.createUser();
    await t.gql(`mutation($id: ID!) { setUserRole(userId: $id, role: AGENT) { id } }`, { id: user.id }, admin);
    await expectRecordedOnce({ type: "user.role_changed", actorId: adminId, ...onUser(user.id), payload: { from: "CUSTOMER", to: "AGENT" } }, "ROLE_CHANGED");
    // The cached role is forgotten by the auth module's subscriber: the new role bites at once.
    expect((await t.gql(`{ me { role } }`, {}, user.token)).data!.me.role).toBe("AGENT");
  });

  it("records a deactivation by the admin, and the auth module's subscriber ends the account's sessions", async () => {
    const user = await t.createUser();
    await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: user.id }, admin);
    await expectRecordedOnce({ type: "user.deactivated", actorId: adminId, ...onUser(user.id), payload: {} }, "USER_DEACTIVATED");
    expect((await t.gql(`{ me { id } }`, {}, user.token)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    // A second deactivation changes nothing, and records nothing.
    await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: user.id }, admin);
    expect(await stored("user.deactivated", user.id)).toHaveLength(1);
  });

  it("records a session revoked by its owner, and the others ended at once", async () => {
    const user = await t.createUser();
    const other = await t.login(user.email, DEFAULT_PASSWORD);
    await t.login(user.email, DEFAULT_PASSWORD);
    const sessions = (await t.gql(`{ mySessions { id current } }`, {}, other.accessToken)).data!.mySessions as { id: string; current: boolean }[];
    const current = sessions.find((s) => s.current)!.id;
    const victim = sessions.find((s) => !s.current)!.id;

    await t.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: victim }, other.accessToken);
    await expectRecordedOnce({ type: "session.revoked", actorId: user.id, targetType: "Session", targetId: victim, userId: user.id, visibility: "ADMIN", payload: {} }, "SESSION_REVOKED");

    const ended = (await t.gql(`mutation { revokeOtherSessions }`, {}, other.accessToken)).data!.revokeOtherSessions as number;
    expect(ended).toBeGreaterThan(0);
    await expectRecordedOnce({ type: "session.revoked", actorId: user.id, ...onUser(user.id), payload: { others: ended } }, "SESSION_REVOKED");
    expect(current).not.toBe(victim);
  });

  it("records an API token's creation and revocation by its owner, without its secret", async () => {
    const user = await t.createUser();
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const created = (await t.gql(CREATE_TOKEN, { i: { name: "CI export", scopes: ["TICKETS_READ"], expiresAt } }, user.token)).data!.createApiToken;
    const tokenId = created.apiToken.id as string;
    const onToken = { targetType: "ApiToken", targetId: tokenId, userId: user.id, visibility: "ADMIN" as const };
    await expectRecordedOnce({ type: "api_token.created", actorId: user.id, ...onToken, payload: { name: "CI export", scopes: ["tickets:read"], expiresAt } }, "API_TOKEN_CREATED");
    expect(JSON.stringify(await stored("api_token.created", tokenId))).not.toContain(created.token);

    await t.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: tokenId }, user.token);
    await expectRecordedOnce({ type: "api_token.revoked", actorId: user.id, ...onToken, payload: {} }, "API_TOKEN_REVOKED");
  });

  it("never puts a password or a token into an event", async () => {
    const rows = await t.server.orm.em.fork().find(DomainEventRecord, {});
    const text = JSON.stringify(rows.map((r) => r.payload));
    expect(text).not.toContain(DEFAULT_PASSWORD);
    expect(text).not.toMatch(/hd_(rt|pat|ve|pr|sl)_/);
  });
});

describe("security events", () => {
  it("records a signing key rotation with no actor, for admins, in the audit trail too", async () => {
    const scope = systemScope(t.server.orm.em.fork(), t.server.services.clock, "keys:rotate");
    await recordKeyRotation(scope, t.server.services.events, { kid: "0190e1c2-0000-7000-8000-00000000abcd", previousVerifySeconds: 0, published: ["0190e1c2-0000-7000-8000-00000000abcd"] });
    expect(await stored("signing_key.rotated", "0190e1c2-0000-7000-8000-00000000abcd")).toEqual([
      {
        type: "signing_key.rotated",
        actorId: null,
        targetType: "SigningKey",
        targetId: "0190e1c2-0000-7000-8000-00000000abcd",
        userId: null,
        visibility: "ADMIN",
        payload: { previousVerifySeconds: 0, published: ["0190e1c2-0000-7000-8000-00000000abcd"] },
      },
    ]);
    const audited = await t.server.orm.em.fork().find(AuditEvent, { action: "SIGNING_KEY_ROTATED" as AuditEvent["action"], targetId: "0190e1c2-0000-7000-8000-00000000abcd" });
    expect(audited.map((a) => ({ targetType: a.targetType, actor: a.actor, details: a.details }))).toEqual([
      { targetType: "SigningKey", actor: null, details: { previousVerifySeconds: 0, published: ["0190e1c2-0000-7000-8000-00000000abcd"] } },
    ]);
  });
});

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
const LOGIN_IDS = `mutation($i: LoginInput!) { login(input: $i) { accessToken user { id } } }`;
const CREATE_TOKEN = `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }`;
const AUDIT = `query($f: AuditEventFilter) {
  auditEvents(first: 100, filter: $f) { nodes { actor { id } targetType targetId details } }
}`;
