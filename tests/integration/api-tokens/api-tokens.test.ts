import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DAY, useClock, type TestClock } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";

let t: TestServer;
let clock: TestClock;
beforeAll(async () => {
  t = await startTestServer();
  clock = useClock(t);
});
afterEach(() => clock.reset());
afterAll(() => t?.close());

const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
async function createToken(sessionToken: string, input: Record<string, unknown> = {}) {
  const res = await t.gql(CREATE, { i: { name: `token ${Math.random().toString(36).slice(2, 8)}`, scopes: ["TICKETS_READ"], expiresAt: inDays(30), ...input } }, sessionToken);
  if (!res.data?.createApiToken) throw new Error(JSON.stringify(res.errors));
  return res.data.createApiToken as { token: string; apiToken: Record<string, any> };
}
const whoAmI = async (bearer: string) => t.gql(`{ me { id } }`, {}, bearer);
/** A query an anonymous caller may send, so that only the token can make it fail. */
const probe = (bearer: string) =>
  t.http<any>("/graphql", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query: `{ me { id } rateLimit { limit } }` }) });
function expectRefusedToken(res: Awaited<ReturnType<typeof probe>>) {
  expect(res.status).toBe(401);
  expect(res.headers["www-authenticate"]).toBe('Bearer error="invalid_token"');
  expect(res.body).toEqual({ errors: [{ message: expect.stringMatching(/invalid, expired or revoked/), extensions: { code: "UNAUTHENTICATED" } }] });
}

describe("creating a personal API token", () => {
  it("shows an hd_pat_ secret once and stores only its SHA-256", async () => {
    const user = await t.createUser();
    const { token, apiToken } = await createToken(user.token, { name: "Nightly export", scopes: ["TICKETS_WRITE", "TICKETS_READ", "TICKETS_WRITE"] });
    expect(token).toMatch(/^hd_pat_[A-Za-z0-9_-]{43}$/);
    expect(apiToken).toMatchObject({ name: "Nightly export", scopes: ["TICKETS_WRITE", "TICKETS_READ"], hint: token.slice(0, 11), lastUsedAt: null, revokedAt: null });

    const listed = (await t.gql(LIST, {}, user.token)).data!.apiTokens;
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(token.slice(11));
    const rows = await t.server.orm.em.fork().getConnection().execute<{ token_hash: string }[]>("select token_hash from api_tokens where user_id = ?", [user.id]);
    expect(rows.map((r: { token_hash: string }) => r.token_hash)).toEqual([createHash("sha256").update(token).digest("hex")]);
  });

  it("validates the name, the scopes against the owner's role, and the expiry", async () => {
    const customer = await t.createUser();
    const attempt = (i: Record<string, unknown>) => t.gql(CREATE, { i: { name: "ok", scopes: ["TICKETS_READ"], expiresAt: inDays(30), ...i } }, customer.token);
    const field = async (i: Record<string, unknown>) => (await attempt(i)).errors?.[0]?.extensions;
    expect(await field({ name: "   " })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
    expect(await field({ scopes: [] })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.scopes" });
    expect(await field({ scopes: ["TICKETS_READ", "ADMIN"] })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.scopes", unusable: ["admin"] });
    expect(await field({ scopes: ["ISSUES_READ"] })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.scopes" });
    expect(await field({ expiresAt: inDays(-1) })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.expiresAt" });
    expect(await field({ expiresAt: inDays(400) })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.expiresAt" });
    expect(await field({ scopes: ["NOT_A_SCOPE"] })).toMatchObject({ code: "BAD_USER_INPUT" });
    expect((await attempt({ name: "Duplicate" })).errors).toBeUndefined();
    expect(await field({ name: "duplicate" })).toMatchObject({ code: "CONFLICT", field: "input.name" });
  });

  it("keeps names unique and the count at 50 when requests race", async () => {
    const user = await t.createUser();
    const create = (name: string) => t.gql(CREATE, { i: { name, scopes: ["TICKETS_READ"], expiresAt: inDays(30) } }, user.token);
    const same = await Promise.all(Array.from({ length: 4 }, () => create("racename")));
    expect(same.filter((r) => !r.errors).length).toBe(1);
    expect(same.filter((r) => r.errors).map((r) => r.errors![0]!.extensions?.code)).toEqual(["CONFLICT", "CONFLICT", "CONFLICT"]);
    for (let i = 0; i < 45; i++) expect((await create(`serial ${i}`)).errors).toBeUndefined();
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => create(`burst ${i}`)));
    expect(burst.filter((r) => !r.errors).length).toBe(4);
    expect(burst.filter((r) => r.errors).map((r) => r.errors![0]!.extensions?.code)).toEqual(["CONFLICT", "CONFLICT"]);
    expect((await t.gql(LIST, {}, user.token)).data!.apiTokens).toHaveLength(50);
  });

  it("is audited", async () => {
    const user = await t.createUser();
    const { apiToken } = await createToken(user.token);
    await t.gql(REVOKE, { id: apiToken.id }, user.token);
    const audit = await t.gql(`query($id: ID!) { auditEvents(first: 5, filter: { targetId: $id }) { nodes { action actor { id } } } }`, { id: apiToken.id }, await t.adminToken());
    expect(audit.data!.auditEvents.nodes).toEqual([
      { action: "API_TOKEN_REVOKED", actor: { id: user.id } },
      { action: "API_TOKEN_CREATED", actor: { id: user.id } },
    ]);
  });
});

describe("using a personal API token", () => {
  it("works as a Bearer token and records when and from where it was last used", async () => {
    const user = await t.createUser();
    const { token, apiToken } = await createToken(user.token);
    expect((await whoAmI(token)).data!.me.id).toBe(user.id);
    const [listed] = (await t.gql(LIST, {}, user.token)).data!.apiTokens;
    expect(listed.id).toBe(apiToken.id);
    expect(Date.now() - Date.parse(listed.lastUsedAt)).toBeLessThan(10_000);
    expect(listed.lastUsedIp).toBe("127.0.0.1");
  });

  it("stops working the moment it is revoked", async () => {
    const user = await t.createUser();
    const { token, apiToken } = await createToken(user.token);
    expect((await whoAmI(token)).data!.me.id).toBe(user.id); // cached as valid
    const revoked = await t.gql(REVOKE, { id: apiToken.id }, user.token);
    expect(revoked.data!.revokeApiToken.revokedAt).toBeTruthy();
    const after = await t.gql(`{ tickets(first: 1) { totalCount } }`, {}, token);
    expect(after.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(after.errors?.[0]?.message).toMatch(/invalid, expired or revoked/);
    expect((await t.gql(LIST, {}, user.token)).data!.apiTokens).toEqual([]);
    // Not even what an anonymous caller could read: the request is refused as a whole.
    expectRefusedToken(await probe(token));
  });

  it("stops working when it expires", async () => {
    const user = await t.createUser();
    const { token } = await createToken(user.token, { expiresAt: inDays(2) });
    expect((await whoAmI(token)).data!.me).not.toBeNull();
    clock.advance(2 * DAY + 60_000);
    expect((await t.gql(`{ tickets(first: 1) { totalCount } }`, {}, token)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expectRefusedToken(await probe(token));
  });

  it("stops working at once when its owner is deactivated, and follows a change of role", async () => {
    const admin = await t.createUser("ADMIN");
    const { token } = await createToken(admin.token, { scopes: ["ADMIN"] });
    expect((await t.gql(`{ users(first: 1) { totalCount } }`, {}, token)).errors).toBeUndefined();
    await t.gql(`mutation($id: ID!) { setUserRole(userId: $id, role: AGENT) { id } }`, { id: admin.id }, await t.adminToken());
    expect((await t.gql(`{ users(first: 1) { totalCount } }`, {}, token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: admin.id }, await t.adminToken());
    expect((await t.gql(`{ tickets(first: 1) { totalCount } }`, {}, token)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("is refused when unknown or malformed", async () => {
    const unknown = await t.gql(`{ tickets(first: 1) { totalCount } }`, {}, `hd_pat_${"A".repeat(43)}`);
    expect(unknown.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expectRefusedToken(await probe(`hd_pat_${"A".repeat(43)}`));
    expectRefusedToken(await probe(`hd_pat_${"A".repeat(300)}`));
  });

  it("cannot manage tokens, sessions or the account: that needs a signed-in session", async () => {
    const user = await t.createUser();
    const { token, apiToken } = await createToken(user.token, { scopes: ["TICKETS_WRITE"] });
    const denied = [
      await t.gql(CREATE, { i: { name: "escalate", scopes: ["TICKETS_WRITE"], expiresAt: inDays(30) } }, token),
      await t.gql(LIST, {}, token),
      await t.gql(REVOKE, { id: apiToken.id }, token),
      await t.gql(`{ mySessions { id } }`, {}, token),
      await t.gql(`mutation { revokeOtherSessions }`, {}, token),
      await t.gql(`mutation { changePassword(currentPassword: "a perfectly fine passphrase 7", newPassword: "another fine passphrase 8") }`, {}, token),
      await t.gql(`mutation { logout }`, {}, token),
      await t.gql(`mutation { updateNotificationPreferences(input: { ticketReplies: false }) { ticketReplies } }`, {}, token),
    ];
    for (const res of denied) {
      expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(res.errors?.[0]?.message).toMatch(/signed-in session/);
    }
    expect((await whoAmI(token)).data!.me.id).toBe(user.id); // and it is still alive
  });

  it("cannot be revoked by anyone but its owner", async () => {
    const owner = await t.createUser();
    const other = await t.createUser();
    const { token, apiToken } = await createToken(owner.token);
    expect((await t.gql(REVOKE, { id: apiToken.id }, other.token)).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect((await whoAmI(token)).data!.me.id).toBe(owner.id);
  });
});

const CREATE = `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id name scopes hint expiresAt lastUsedAt revokedAt } } }`;
const LIST = `{ apiTokens { id name scopes hint lastUsedAt lastUsedIp expiresAt } }`;
const REVOKE = `mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }`;
