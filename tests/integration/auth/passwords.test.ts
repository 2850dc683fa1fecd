import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

/** Password policy (NIST 800-63B style), argon2id storage and rehashing when costs rise. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

let emails = 0;
const freshEmail = (local = "pw") => `${local}${++emails}.${Math.random().toString(36).slice(2, 7)}@example.test`;
const register = (server: TestServer, email: string, password: string) =>
  server.gql(REGISTER, { i: { email, password, displayName: "Password Tester" } });
const login = (server: TestServer, email: string, password: string) => server.gql(LOGIN, { i: { email, password } });

async function storedHash(server: TestServer, email: string): Promise<string> {
  const rows = await server.server.orm.em.fork().getConnection().execute<{ password_hash: string }[]>("select password_hash from users where email = ?", [email]);
  return rows[0]!.password_hash;
}

describe("password policy", () => {
  it("accepts 12 characters with no composition rules", async () => {
    const res = await register(t, freshEmail(), "quiet meadow");
    expect(res.errors).toBeUndefined();
  });

  it.each([
    ["11 characters", "eleven char", /at least 12 characters/],
    ["257 characters", "x".repeat(200) + "y".repeat(57), /at most 256 characters/],
    ["a common password", "1qaz2wsx3edc", /too common/],
    ["a common password in other casing", "Q1W2E3R4T5Y6", /too common/],
    ["the email's local part inside", "%LOCAL%-is-my-password", /email/],
    // NIST SP 800-63B: repetitive and trivial values, however long.
    ["12 spaces", " ".repeat(12), /only spaces, tabs or other whitespace/],
    ["12 tabs", "\t".repeat(12), /only spaces, tabs or other whitespace/],
    ["12 zero-width spaces", "\u200B".repeat(12), /only invisible characters/],
    ["invisible characters and spaces mixed", "\u200B \u200D\u2060 \uFEFF\u00AD\u3164\u200B \u200C", /only invisible characters/],
    ["one accented letter repeated", "é".repeat(12), /one character repeated/],
    ["one letter repeated, composed from e and an accent", "e\u0301".repeat(12), /one character repeated/],
  ])("rejects %s, naming the field", async (_name, password, message) => {
    const email = freshEmail("margaretta");
    const res = await register(t, email, password.replace("%LOCAL%", email.split("@")[0]!.toUpperCase()));
    expect(res.data).toBeNull();
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.password" });
    expect(res.errors![0]!.message).toMatch(message);
  });

  it("counts characters, not UTF-16 units: twelve emoji are twelve characters", async () => {
    expect((await register(t, freshEmail(), "🔒🗝️🐙🌵🚲🎈🧭🪁🍋🦔🎻🛶")).errors).toBeUndefined();
    expect((await register(t, freshEmail(), "🔒🐙🌵🚲🎈🧭🪁🍋🦔🎻🛶")).errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("never truncates: a 256-character password works and its 255-character prefix does not", async () => {
    const email = freshEmail();
    const password = Array.from({ length: 256 }, (_, i) => "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7) % 36]).join("");
    expect((await register(t, email, password)).errors).toBeUndefined();
    expect((await login(t, email, password)).errors).toBeUndefined();
    expect((await login(t, email, password.slice(0, 255))).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect((await login(t, email, `${password}x`)).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
  });

  it("answers a 1 MB password quickly and clearly, never with a slow hash or a 500", async () => {
    const huge = "p".repeat(1_000_000);
    const user = await t.createUser();
    for (const [res, code] of [
      [await timed(() => login(t, user.email, huge)), "UNAUTHENTICATED"],
      [await timed(() => register(t, freshEmail(), huge)), "BAD_USER_INPUT"],
      [await timed(() => t.gql(CHANGE_PASSWORD, { c: DEFAULT_PASSWORD, n: huge }, user.token)), "BAD_USER_INPUT"],
      [await timed(() => t.gql(CHANGE_PASSWORD, { c: huge, n: "a fine new passphrase" }, user.token)), "BAD_USER_INPUT"],
    ] as const) {
      expect(res.value.errors![0]!.extensions!.code).toBe(code);
      expect(res.ms).toBeLessThan(10_000); // loose: the machine may be busy; a pathological path takes far longer
    }
    expect((await login(t, user.email, DEFAULT_PASSWORD)).errors).toBeUndefined(); // no lockout side effects
  });
});

describe("password storage", () => {
  it("stores an argon2id hash with at least m=19 MiB, t=2", async () => {
    const email = freshEmail();
    await register(t, email, DEFAULT_PASSWORD);
    const hash = await storedHash(t, email);
    expect(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$")).toBe(true);
    expect(hash).not.toContain(DEFAULT_PASSWORD);
  });

  it("rehashes at sign-in when the configured cost rises, and the new server enforces composition when asked", async () => {
    const email = freshEmail();
    await register(t, email, DEFAULT_PASSWORD);
    const before = await storedHash(t, email);

    const stronger = await startTestServer({
      env: { ...t.databaseEnv, ARGON2_MEMORY_KIB: "24576", ARGON2_TIME_COST: "3", PASSWORD_REQUIRE_COMPOSITION: "true" },
    });
    try {
      expect((await login(stronger, email, DEFAULT_PASSWORD)).errors).toBeUndefined();
      const after = await storedHash(stronger, email);
      expect(after).not.toBe(before);
      expect(after.startsWith("$argon2id$v=19$m=24576,t=3,p=1$")).toBe(true);
      // Both servers still accept the password: the hash names its own parameters.
      expect((await login(t, email, DEFAULT_PASSWORD)).errors).toBeUndefined();
      expect(await storedHash(t, email)).toBe(after); // and a server with the older, lower setting does not downgrade it

      const plain = await register(stronger, freshEmail(), "alllowercaseletters");
      expect(plain.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.password" });
      expect(plain.errors![0]!.message).toMatch(/upper-case letter.*digit.*special character/);
      expect((await register(stronger, freshEmail(), "Mixed Case and 4 symbols!")).errors).toBeUndefined();
    } finally {
      await stronger.close();
    }
  });
});

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken user { id } } }`;
const CHANGE_PASSWORD = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
