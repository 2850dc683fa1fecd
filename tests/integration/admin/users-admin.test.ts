import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";

/** User administration: the list and its filters, roles, deactivation. */
let t: TestServer;
let admin: string;
let adminId: string;
beforeAll(async () => {
  t = await startTestServer();
  admin = await t.adminToken();
  adminId = (await t.gql(`{ me { id } }`, {}, admin)).data!.me.id;
});
afterAll(() => t?.close());

const list = async (filter: Record<string, unknown> = {}, page: Record<string, unknown> = { first: 100 }) => {
  const res = await t.gql(USERS, { f: filter, ...page }, admin);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.users as { totalCount: number; nodes: { id: string; email: string; role: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
};
const setRole = (userId: string, role: string, token = admin) => t.gql(SET_ROLE, { id: userId, r: role }, token);
const canListUsers = async (token: string) => (await t.gql(`{ users(first: 1) { totalCount } }`, {}, token)).errors?.[0]?.extensions?.code ?? "OK";

describe("the user list", () => {
  let alice: { id: string; email: string };
  let bob: { id: string; email: string };
  beforeAll(async () => {
    alice = await t.createUser("AGENT", "Alice Liddell");
    bob = await t.createUser("CUSTOMER", "Bob 50%_off Builder");
  });

  it("lists every account newest first, with a total", async () => {
    const page = await list();
    expect(page.totalCount).toBeGreaterThanOrEqual(3);
    const ids = page.nodes.map((n) => n.id);
    expect(ids.indexOf(bob.id)).toBeLessThan(ids.indexOf(alice.id));
    expect(ids.at(-1)).toBe(adminId); // the first admin is the oldest
  });

  it("pages with first/after without repeating or skipping anyone", async () => {
    const all = (await list()).nodes.map((n) => n.id);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await list({}, { first: 1, after });
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it("filters by role", async () => {
    const agents = await list({ role: "AGENT" });
    expect(agents.nodes.map((n) => n.id)).toContain(alice.id);
    expect(agents.nodes.every((n) => n.role === "AGENT")).toBe(true);
    expect((await list({ role: "ADMIN" })).nodes.map((n) => n.email)).toEqual([ADMIN_EMAIL]);
  });

  it("searches the start of the email and any part of the name, case-insensitively", async () => {
    expect((await list({ search: alice.email.slice(0, 8).toUpperCase() })).nodes.map((n) => n.id)).toContain(alice.id);
    expect((await list({ search: "LIDDELL" })).nodes.map((n) => n.id)).toEqual([alice.id]);
    expect((await list({ search: alice.email.slice(3, 10) })).nodes.map((n) => n.id)).not.toContain(alice.id); // not the middle of an email
  });

  it("treats LIKE wildcards in the search literally", async () => {
    expect((await list({ search: "50%_off" })).nodes.map((n) => n.id)).toEqual([bob.id]);
    expect((await list({ search: "%" })).nodes.map((n) => n.id)).toEqual([bob.id]);
    expect((await list({ search: "_" })).nodes.map((n) => n.id)).toEqual([bob.id]);
  });

  it("filters by locked and deactivated", async () => {
    const locked = await list({ locked: true });
    expect(locked.nodes.map((n) => n.id)).not.toContain(alice.id);
    expect((await list({ locked: false })).nodes.map((n) => n.id)).toContain(alice.id);
    expect((await list({ deactivated: false })).nodes.map((n) => n.id)).toContain(alice.id);
  });

  it("refuses a search longer than 100 characters", async () => {
    const res = await t.gql(USERS, { f: { search: "x".repeat(101) }, first: 10 }, admin);
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.search" });
  });
});

describe("roles", () => {
  it("apply to tokens already issued, at once, both ways", async () => {
    const user = await t.createUser("CUSTOMER");
    expect(await canListUsers(user.token)).toBe("FORBIDDEN");

    const promoted = await setRole(user.id, "ADMIN");
    expect(promoted.data!.setUserRole).toMatchObject({ id: user.id, role: "ADMIN" });
    expect(await canListUsers(user.token)).toBe("OK");
    expect((await t.gql(`{ me { role } }`, {}, user.token)).data!.me.role).toBe("ADMIN");

    await setRole(user.id, "CUSTOMER");
    expect(await canListUsers(user.token)).toBe("FORBIDDEN");
  });

  it("apply at once even while the user's requests are in flight", async () => {
    for (let round = 0; round < 2; round++) {
      const user = await t.createUser("ADMIN");
      const stillAdmin = await whileHammering(user.token, async () => {
        await setRole(user.id, "CUSTOMER");
        return (await canListUsers(user.token)) === "OK";
      });
      expect(stillAdmin, `round ${round}`).toBe(false);
    }
  });

  it("are audited with the old and new role", async () => {
    const user = await t.createUser("CUSTOMER");
    await setRole(user.id, "AGENT");
    const events = await t.gql(AUDIT, { f: { targetId: user.id, actions: ["ROLE_CHANGED"] } }, admin);
    expect(events.data!.auditEvents.nodes).toEqual([{ action: "ROLE_CHANGED", actor: { id: adminId }, details: { from: "CUSTOMER", to: "AGENT" } }]);
  });

  it("cannot be changed on oneself, on unknown users, or to an unknown role", async () => {
    expect((await setRole(adminId, "CUSTOMER")).errors![0]!.extensions!.code).toBe("CONFLICT");
    expect((await setRole("0190a0a0-0000-7000-8000-000000000000", "AGENT")).errors![0]!.extensions!.code).toBe("NOT_FOUND");
    expect((await setRole("not-a-uuid", "AGENT")).errors![0]!.extensions!.code).toBe("NOT_FOUND");
    const res = await t.http<any>("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: SET_ROLE, variables: { id: adminId, r: "ROOT" } }),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("leave nothing changed and nothing audited when refused", async () => {
    await setRole(adminId, "CUSTOMER");
    const events = await t.gql(AUDIT, { f: { targetId: adminId, actions: ["ROLE_CHANGED"] } }, admin);
    expect(events.data!.auditEvents.nodes).toEqual([]);
    expect((await t.gql(`{ me { role } }`, {}, admin)).data!.me.role).toBe("ADMIN");
  });
});

describe("deactivation", () => {
  it("ends the user's sessions at once: access token dead, refresh refused, sign-in refused", async () => {
    const user = await t.createUser("AGENT");
    expect((await t.gql(`{ me { id } }`, {}, user.token)).data!.me.id).toBe(user.id);

    const res = await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id deactivatedAt } }`, { id: user.id }, admin);
    expect(res.data!.deactivateUser.deactivatedAt).toEqual(expect.any(String));

    const dead = await t.gql(`{ me { id } }`, {}, user.token);
    expect(dead.data).toBeUndefined(); // refused outright (401), not answered as anonymous
    expect(dead.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    const refresh = await t.gql(`mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, { t: user.refreshToken });
    expect(refresh.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    const login = await t.gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email: user.email, password: DEFAULT_PASSWORD } });
    expect(login.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect(login.errors![0]!.message).toMatch(/deactivated/);

    expect((await list({ deactivated: true })).nodes.map((n) => n.id)).toContain(user.id);
    const events = await t.gql(AUDIT, { f: { targetId: user.id, actions: ["USER_DEACTIVATED"] } }, admin);
    expect(events.data!.auditEvents.nodes).toHaveLength(1);
  });

  it("bites at once even while the user's requests are in flight", async () => {
    // Requests racing the change's commit must not leave the pre-change state cached.
    for (let round = 0; round < 4; round++) {
      const user = await t.createUser("AGENT");
      const stillWorks = await whileHammering(user.token, async () => {
        await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: user.id }, admin);
        return (await t.gql(`{ me { id } }`, {}, user.token)).data?.me != null;
      });
      expect(stillWorks, `round ${round}`).toBe(false);
    }
  });

  it("is idempotent and refused on oneself", async () => {
    const user = await t.createUser();
    const deactivate = (id: string) => t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id deactivatedAt } }`, { id }, admin);
    const first = (await deactivate(user.id)).data!.deactivateUser.deactivatedAt;
    expect((await deactivate(user.id)).data!.deactivateUser.deactivatedAt).toBe(first);
    expect((await deactivate(adminId)).errors![0]!.extensions!.code).toBe("CONFLICT");
    expect((await t.gql(`{ me { id } }`, {}, admin)).data!.me.id).toBe(adminId);
  });
});

/** Runs `change` while four loops keep sending the user's token, as a busy client would. */
async function whileHammering<T>(token: string, change: () => Promise<T>): Promise<T> {
  let stop = false;
  const hammer = async () => {
    while (!stop) await t.gql(`{ me { id role } }`, {}, token);
  };
  const loops = [hammer(), hammer(), hammer(), hammer()];
  await new Promise((r) => setTimeout(r, 20));
  try {
    return await change();
  } finally {
    stop = true;
    await Promise.all(loops);
  }
}

const USERS = `query($f: UserFilter, $first: Int, $after: String) {
  users(first: $first, after: $after, filter: $f) { totalCount nodes { id email role } pageInfo { hasNextPage endCursor } }
}`;
const SET_ROLE = `mutation($id: ID!, $r: Role!) { setUserRole(userId: $id, role: $r) { id role } }`;
const AUDIT = `query($f: AuditEventFilter) { auditEvents(first: 20, filter: $f) { nodes { action actor { id } details } } }`;
