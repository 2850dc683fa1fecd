import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemScope } from "../../../src/core/scope.js";
import { DomainEventRecord } from "../../../src/db/domain-event.entity.js";
import { AuditAction } from "../../../src/modules/audit/audit.actions.js";
import { AuditEvent } from "../../../src/modules/audit/audit-event.entity.js";
import { User } from "../../../src/modules/users/user.entity.js";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

/**
 * Every account event leaves an audit record, written in the transaction of the change it
 * records. One user walks through the whole life cycle; the trail is then read back.
 */
let t: TestServer;
let admin: string;
let adminId: string;
let user: { id: string; email: string; token: string; refreshToken: string };
const UA = "AuditTrail-Test/1.0";

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.adminToken();
  adminId = (await t.gql(`{ me { id } }`, {}, admin)).data!.me.id;

  const as = { "user-agent": UA };
  const email = `audited.${Date.now()}@example.test`;
  const reg = await t.gql(REGISTER, { i: { email, password: DEFAULT_PASSWORD, displayName: "Audited" } }, null, as);
  user = { id: reg.data!.register.user.id, email, token: reg.data!.register.accessToken, refreshToken: reg.data!.register.refreshToken };

  await t.gql(LOGIN, { i: { email, password: DEFAULT_PASSWORD } }, null, as); // LOGIN_SUCCEEDED
  for (let i = 0; i < 5; i++) await t.gql(LOGIN, { i: { email, password: "wrong passphrase here" } }, null, as); // LOGIN_FAILED x5, ACCOUNT_LOCKED
  await t.gql(`mutation($id: ID!) { unlockUser(userId: $id) { id } }`, { id: user.id }, admin); // USER_UNLOCKED
  const rotated = (await t.gql(REFRESH, { t: user.refreshToken }, null, as)).data!.refreshToken;
  // Replayed by another client: reuse at once (the same client's retry would get a short grace).
  await t.gql(REFRESH, { t: user.refreshToken }, null, { "user-agent": "Replaying-Thief/1.0" }); // REFRESH_TOKEN_REUSED
  const fresh = (await t.gql(LOGIN, { i: { email, password: DEFAULT_PASSWORD } }, null, as)).data!.login;
  await t.gql(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`, { c: DEFAULT_PASSWORD, n: "the audited new passphrase" }, fresh.accessToken, as);
  await t.gql(`mutation { logout }`, {}, fresh.accessToken, as); // LOGGED_OUT
  await t.gql(`mutation($id: ID!) { setUserRole(userId: $id, role: AGENT) { id } }`, { id: user.id }, admin); // ROLE_CHANGED
  await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: user.id }, admin); // USER_DEACTIVATED
  expect(rotated.accessToken).toEqual(expect.any(String));
});
afterAll(() => t?.close());

type Event = { id: string; action: string; actor: { id: string } | null; targetType: string | null; targetId: string | null; ip: string | null; userAgent: string | null; details: Record<string, any> | null; createdAt: string };

async function trail(filter: Record<string, unknown> = {}, page: Record<string, unknown> = { first: 100 }) {
  const res = await t.gql(AUDIT, { f: filter, ...page }, admin);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.auditEvents as { totalCount: number; nodes: Event[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
}

describe("the audit trail", () => {
  it("records every account event of the life cycle, newest first", async () => {
    const byUser = (await trail({ actorId: user.id })).nodes.map((e) => e.action);
    const onUser = (await trail({ targetId: user.id })).nodes.map((e) => e.action);
    const all = new Set([...byUser, ...onUser]);
    for (const action of [
      "USER_REGISTERED",
      "LOGIN_SUCCEEDED",
      "LOGIN_FAILED",
      "ACCOUNT_LOCKED",
      "USER_UNLOCKED",
      "REFRESH_TOKEN_REUSED",
      "PASSWORD_CHANGED",
      "LOGGED_OUT",
      "ROLE_CHANGED",
      "USER_DEACTIVATED",
    ]) {
      expect(all, action).toContain(action);
    }
    const nodes = (await trail()).nodes;
    const times = nodes.map((e) => Date.parse(e.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("says who did what to which object, from where", async () => {
    const [registered] = (await trail({ actions: ["USER_REGISTERED"], targetId: user.id })).nodes;
    expect(registered).toMatchObject({ actor: { id: user.id }, targetType: "User", targetId: user.id, ip: "127.0.0.1", userAgent: UA });
    const [locked] = (await trail({ actions: ["ACCOUNT_LOCKED"], targetId: user.id })).nodes;
    expect(locked!.details!.until).toEqual(expect.any(String));
    const failures = (await trail({ actions: ["LOGIN_FAILED"], targetId: user.id })).nodes;
    expect(failures.map((e) => e.details!.failures).sort()).toEqual([1, 2, 3, 4, 5]);
    const [unlocked] = (await trail({ actions: ["USER_UNLOCKED"], targetId: user.id })).nodes;
    expect(unlocked!.actor).toEqual({ id: adminId });
    const [reused] = (await trail({ actions: ["REFRESH_TOKEN_REUSED"], actorId: user.id })).nodes;
    expect(reused).toMatchObject({ targetType: "Session", details: { rotatedAt: expect.any(String) } });
  });

  it("never stores a password or token", async () => {
    const text = JSON.stringify((await trail({}, { first: 100 })).nodes);
    expect(text).not.toContain(DEFAULT_PASSWORD);
    expect(text).not.toContain("wrong passphrase here");
    expect(text).not.toContain("the audited new passphrase");
    expect(text).not.toContain(user.refreshToken);
    expect(text).not.toContain(user.token);
  });

  it("filters by action, target type and time window", async () => {
    const logins = await trail({ actions: ["LOGIN_SUCCEEDED", "LOGIN_FAILED"] });
    expect(new Set(logins.nodes.map((e) => e.action))).toEqual(new Set(["LOGIN_SUCCEEDED", "LOGIN_FAILED"]));
    const sessions = await trail({ targetType: "Session" });
    expect(sessions.nodes.every((e) => e.targetType === "Session")).toBe(true);
    const all = (await trail()).nodes;
    const middle = all[Math.floor(all.length / 2)]!;
    const since = await trail({ since: middle.createdAt });
    expect(since.nodes.every((e) => Date.parse(e.createdAt) >= Date.parse(middle.createdAt))).toBe(true);
    const until = await trail({ until: middle.createdAt });
    expect(until.nodes.every((e) => Date.parse(e.createdAt) < Date.parse(middle.createdAt))).toBe(true);
    expect(since.totalCount + until.totalCount).toBe(all.length);
  });

  it("pages without repeating or skipping events", async () => {
    const all = (await trail()).nodes.map((e) => e.id);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await trail({}, { first: 7, after });
      seen.push(...page.nodes.map((e) => e.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it("rejects bad filters clearly", async () => {
    const res = await t.gql(AUDIT, { f: { actions: ["NOT_AN_ACTION"] }, first: 10 }, admin);
    expect(res.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
    const date = await t.gql(AUDIT, { f: { since: "yesterday" }, first: 10 }, admin);
    expect(date.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("is for admins only", async () => {
    const customer = await t.createUser("CUSTOMER");
    const agent = await t.createUser("AGENT");
    for (const token of [customer.token, agent.token]) {
      expect((await t.gql(AUDIT, { first: 1 }, token)).errors![0]!.extensions!.code).toBe("FORBIDDEN");
    }
    expect((await t.gql(AUDIT, { first: 1 })).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
  });
});

describe("audit events and their changes", () => {
  it("commit together, and roll back together", async () => {
    const { events, clock } = t.server.services;
    const target = await t.createUser();
    await expect(
      events.transaction(systemScope(t.server.orm.em.fork(), clock), async (tx) => {
        await tx.em.nativeUpdate(User, { id: target.id }, { displayName: "Changed" });
        await events.raise(tx, {
          type: "user.role_changed",
          actorId: adminId,
          target: { type: "User", id: target.id },
          refs: { userId: target.id },
          visibility: "ADMIN",
          payload: { from: "CUSTOMER", to: "AGENT" },
        });
        await tx.em.flush();
        throw new Error("the change fails after its event was written");
      }),
    ).rejects.toThrow(/fails/);
    const check = t.server.orm.em.fork();
    expect(await check.count(AuditEvent, { targetId: target.id, action: AuditAction.ROLE_CHANGED })).toBe(0);
    expect(await check.count(DomainEventRecord, { targetId: target.id, type: "user.role_changed" })).toBe(0);
    expect((await check.findOneOrFail(User, { id: target.id })).displayName).not.toBe("Changed");
  });
});

const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken user { id } } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`;
const AUDIT = `query($f: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(first: $first, after: $after, filter: $f) {
    totalCount
    nodes { id action actor { id } targetType targetId ip userAgent details createdAt }
    pageInfo { hasNextPage endCursor }
  }
}`;
