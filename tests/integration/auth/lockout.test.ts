import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

/**
 * Five consecutive failures lock an account for 30 minutes. Unknown emails lock the same way
 * and every failure looks alike, so neither the answers nor their timing reveal who has an account.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const WRONG = "definitely the wrong passphrase";
const login = (email: string, password: string) => t.gql(LOGIN, { i: { email, password } });
const codeOf = (res: Awaited<ReturnType<typeof login>>) => res.errors?.[0]?.extensions?.code;
/** The error as a caller sees it, with the lockout time taken out. */
const shape = (res: Awaited<ReturnType<typeof login>>) =>
  JSON.stringify(res).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<time>");

describe("account lockout", () => {
  it("locks the account after five failed logins, for 30 minutes, even for the right password", async () => {
    const user = await t.createUser();
    for (let i = 1; i <= 4; i++) expect(codeOf(await login(user.email, WRONG)), `attempt ${i}`).toBe("UNAUTHENTICATED");
    const fifth = await login(user.email, WRONG);
    expect(codeOf(fifth)).toBe("ACCOUNT_LOCKED");
    const lockedUntil = Date.parse(fifth.errors![0]!.extensions!.lockedUntil);
    expect(lockedUntil - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(lockedUntil - Date.now()).toBeLessThanOrEqual(30 * 60_000);

    const right = await login(user.email, DEFAULT_PASSWORD);
    expect(codeOf(right)).toBe("ACCOUNT_LOCKED");
    expect(right.errors![0]!.extensions!.lockedUntil).toBe(fifth.errors![0]!.extensions!.lockedUntil);
    expect(right.data).toBeNull();

    const audit = await t.gql(AUDIT, { f: { targetId: user.id } }, await t.adminToken());
    const actions = (audit.data!.auditEvents.nodes as { action: string }[]).map((e) => e.action);
    expect(actions.filter((a) => a === "LOGIN_FAILED")).toHaveLength(5);
    expect(actions).toContain("ACCOUNT_LOCKED");
  });

  it("resets the count on a successful login", async () => {
    const user = await t.createUser();
    for (let i = 0; i < 4; i++) await login(user.email, WRONG);
    expect((await login(user.email, DEFAULT_PASSWORD)).errors).toBeUndefined();
    for (let i = 0; i < 4; i++) expect(codeOf(await login(user.email, WRONG))).toBe("UNAUTHENTICATED");
    expect((await login(user.email, DEFAULT_PASSWORD)).errors).toBeUndefined();
  });

  it("counts parallel failures too: five wrong guesses at once lock the account", async () => {
    const user = await t.createUser();
    await Promise.all(Array.from({ length: 5 }, () => login(user.email, WRONG)));
    expect(codeOf(await login(user.email, DEFAULT_PASSWORD))).toBe("ACCOUNT_LOCKED");
  });

  it("locks unknown emails exactly like real accounts, so lockout reveals nothing", async () => {
    const real = await t.createUser();
    const ghost = `nobody.${Date.now()}@example.test`;
    for (let i = 1; i <= 6; i++) {
      const [a, b] = [await login(real.email, WRONG), await login(ghost, WRONG)];
      expect(codeOf(b), `attempt ${i}`).toBe(i < 5 ? "UNAUTHENTICATED" : "ACCOUNT_LOCKED");
      expect(shape(b), `attempt ${i}`).toBe(shape(a));
    }
  });

  it("treats the email case-insensitively when counting unknown-email failures", async () => {
    const ghost = `Ghost.${Date.now()}@Example.test`;
    for (let i = 0; i < 5; i++) await login(i % 2 ? ghost.toUpperCase() : ghost.toLowerCase(), WRONG);
    expect(codeOf(await login(ghost, WRONG))).toBe("ACCOUNT_LOCKED");
  });

  it("spends one full argon2 verification on an unknown email, as on a wrong password", async () => {
    // Timing parity proven by the work done, not by a stopwatch: both paths run exactly one
    // argon2 verification (the unknown email against a dummy hash), so their latency matches.
    const real = await t.createUser();
    const ghost = `timing.${Date.now()}@example.test`;
    const hasher = t.server.services.hasher;
    const verified: string[] = [];
    const original = hasher.verify.bind(hasher);
    hasher.verify = async (hash: string, password: string) => {
      verified.push(hash.slice(0, 30));
      return original(hash, password);
    };
    try {
      await login(real.email, WRONG);
      const forKnown = verified.splice(0);
      await login(ghost, WRONG);
      const forUnknown = verified.splice(0);
      expect(forKnown).toHaveLength(1);
      expect(forUnknown).toHaveLength(1);
      // Same algorithm and parameters, so the same cost.
      expect(forUnknown[0]!.split("$").slice(0, 4)).toEqual(forKnown[0]!.split("$").slice(0, 4));
    } finally {
      hasher.verify = original;
    }
  });

  it("lets an admin unlock a locked account", async () => {
    const user = await t.createUser();
    for (let i = 0; i < 5; i++) await login(user.email, WRONG);
    const admin = await t.adminToken();
    const listed = await t.gql(USERS, { f: { locked: true, search: user.email } }, admin);
    expect(listed.data!.users.nodes).toEqual([{ id: user.id, locked: true, failedLoginCount: 0 }]);
    const res = await t.gql(`mutation($id: ID!) { unlockUser(userId: $id) { id locked lockedUntil } }`, { id: user.id }, admin);
    expect(res.data!.unlockUser).toEqual({ id: user.id, locked: false, lockedUntil: null });
    expect((await login(user.email, DEFAULT_PASSWORD)).errors).toBeUndefined();
  });
});

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken user { id } } }`;
const AUDIT = `query($f: AuditEventFilter) { auditEvents(first: 50, filter: $f) { nodes { action } } }`;
const USERS = `query($f: UserFilter) { users(first: 10, filter: $f) { nodes { id locked failedLoginCount } } }`;
