import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../../src/core/identity.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { openTicket } from "../tickets/ticket-helpers.js";
import { liveClient, rawSocket, subscribe, TICKET_EVENTS, type RawSocket } from "./live-client.js";

/** Connection-level behaviour: authentication in connection_init, revocations, limits, the budget. */
let t: TestServer;

const SOCKETS_PER_USER = 2;
const SUBSCRIPTIONS_PER_SOCKET = 2;

beforeAll(async () => {
  t = await startTestServer({ env: { SUBSCRIPTION_SOCKETS_PER_USER: String(SOCKETS_PER_USER), SUBSCRIPTIONS_PER_SOCKET: String(SUBSCRIPTIONS_PER_SOCKET) } });
}, 60_000);
afterAll(() => t?.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const SUBSCRIBE = (id: string, ticketId: string) => ({ id, type: "subscribe", payload: { query: TICKET_EVENTS, variables: { id: ticketId } } });

/** A socket that completed connection_init with `token`. */
async function acknowledged(token: string): Promise<RawSocket> {
  const socket = await rawSocket(t, bearer(token));
  await socket.message("connection_ack");
  return socket;
}

describe("connection_init", () => {
  it("refuses a socket without a credential with 4401", async () => {
    const socket = await rawSocket(t, {});
    expect(await socket.closed).toEqual({ code: 4401, reason: expect.stringContaining("Authentication required") });
  });

  it("refuses a token that does not verify with 4401, and the graphql-ws client reports it", async () => {
    const socket = await rawSocket(t, bearer("not.a.valid-token"));
    expect((await socket.closed).code).toBe(4401);

    const client = liveClient(t, "eyJhbGciOiJFUzI1NiJ9.e30.c2lnbmF0dXJl");
    const feed = subscribe(client, TICKET_EVENTS, { id: "x" });
    await feed.until(() => feed.error !== undefined, "the close");
    expect((feed.error as { code?: number }).code).toBe(4401);
    await client.dispose();
  });

  it("accepts an access token and an API token", async () => {
    const user = await t.createUser("CUSTOMER");
    (await acknowledged(user.token)).socket.close();
    const created = await t.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`, { i: { name: "live", scopes: ["TICKETS_READ"], expiresAt: new Date(Date.now() + 86_400_000).toISOString() } }, user.token);
    expect(created.errors).toBeUndefined();
    (await acknowledged(created.data!.createApiToken.token)).socket.close();
  });
});

describe("a socket whose credential ends", () => {
  it("is closed with 4401 when its session signs out", async () => {
    const user = await t.createUser("CUSTOMER");
    const session = await t.login(user.email, user.password);
    const socket = await acknowledged(session.accessToken);
    const other = await acknowledged(user.token); // another session of the same user stays
    expect((await t.gql(`mutation { logout }`, {}, session.accessToken)).data).toEqual({ logout: true });
    expect((await socket.closed).code).toBe(4401);
    expect(other.socket.readyState).toBe(other.socket.OPEN);
    other.socket.close();
  });

  it("is closed with 4401 when its session is revoked from another one", async () => {
    const user = await t.createUser("CUSTOMER");
    const session = await t.login(user.email, user.password);
    const socket = await acknowledged(session.accessToken);
    const sessions = (await t.gql(`{ mySessions { id current } }`, {}, user.token)).data!.mySessions as { id: string; current: boolean }[];
    const others = sessions.filter((s) => !s.current);
    for (const s of others) expect((await t.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: s.id }, user.token)).errors).toBeUndefined();
    expect((await socket.closed).code).toBe(4401);
  });

  it("is closed with 4401 when an admin deactivates its user, and with 4403 when its role changes", async () => {
    const [leaving, promoted] = await Promise.all([t.createUser("CUSTOMER"), t.createUser("CUSTOMER")]);
    const [gone, changed] = await Promise.all([acknowledged(leaving.token), acknowledged(promoted.token)]);
    const admin = await t.adminToken();
    expect((await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: leaving.id }, admin)).errors).toBeUndefined();
    expect((await gone.closed).code).toBe(4401);
    expect((await t.gql(`mutation($id: ID!) { setUserRole(userId: $id, role: AGENT) { id } }`, { id: promoted.id }, admin)).errors).toBeUndefined();
    expect(await changed.closed).toEqual({ code: 4403, reason: expect.stringContaining("role changed") });
  });

  it("is closed with 4401 when its API token is revoked", async () => {
    const user = await t.createUser("CUSTOMER");
    const created = await t.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }`, { i: { name: "live", scopes: ["TICKETS_READ"], expiresAt: new Date(Date.now() + 86_400_000).toISOString() } }, user.token);
    const socket = await acknowledged(created.data!.createApiToken.token);
    expect((await t.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: created.data!.createApiToken.apiToken.id }, user.token)).errors).toBeUndefined();
    expect((await socket.closed).code).toBe(4401);
  });

  it("keeps a socket whose client renews its token with a ping, and closes one renewed with another user's token", async () => {
    const [user, stranger] = await Promise.all([t.createUser("CUSTOMER"), t.createUser("CUSTOMER")]);
    const socket = await acknowledged(user.token);
    const renewed = await t.login(user.email, user.password);
    socket.send({ type: "ping", payload: bearer(renewed.accessToken) });
    await socket.message("pong");
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
    socket.send({ type: "ping", payload: bearer(stranger.token) });
    expect((await socket.closed).code).toBe(4403);
  });
});

describe("limits", () => {
  it(`closes a user's socket beyond SUBSCRIPTION_SOCKETS_PER_USER (${SOCKETS_PER_USER}) with 4429`, async () => {
    const user = await t.createUser("CUSTOMER");
    const open = await Promise.all(Array.from({ length: SOCKETS_PER_USER }, () => acknowledged(user.token)));
    const extra = await rawSocket(t, bearer(user.token));
    expect(await extra.closed).toEqual({ code: 4429, reason: expect.stringContaining("Too many open sockets") });
    // Closing one makes room again.
    open[0]!.socket.close();
    await open[0]!.closed;
    const again = await acknowledged(user.token);
    for (const s of [again, ...open.slice(1)]) s.socket.close();
  });

  it(`refuses a subscription beyond SUBSCRIPTIONS_PER_SOCKET (${SUBSCRIPTIONS_PER_SOCKET}) with BAD_REQUEST`, async () => {
    const user = await t.createUser("CUSTOMER");
    const ticket = await openTicket(t, user.token);
    const socket = await acknowledged(user.token);
    for (let i = 1; i <= SUBSCRIPTIONS_PER_SOCKET + 1; i++) socket.send(SUBSCRIBE(String(i), ticket.id));
    const refused = await socket.message("error");
    expect(refused).toMatchObject({ id: String(SUBSCRIPTIONS_PER_SOCKET + 1), payload: [{ extensions: { code: "BAD_REQUEST", limit: SUBSCRIPTIONS_PER_SOCKET } }] });
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
    socket.socket.close();
  });

  it("charges a subscribe to the caller's query budget, like a query", async () => {
    const user = await t.createUser("CUSTOMER");
    const ticket = await openTicket(t, user.token);
    // Read without spending (the rateLimit query would cost a point itself).
    const viewer = { userId: user.id, role: Role.CUSTOMER, sessionId: "peek" };
    const used = async () => (await t.server.services.queryBudget.peek(viewer, "127.0.0.1")).used;
    const before = await used();
    const socket = await acknowledged(user.token);
    socket.send(SUBSCRIBE("1", ticket.id));
    const deadline = Date.now() + 10_000;
    while ((await used()) === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await used()).toBeGreaterThan(before);
    socket.socket.close();
  });

  it("carries subscriptions only: queries and mutations go to POST /graphql", async () => {
    const user = await t.createUser("CUSTOMER");
    const socket = await acknowledged(user.token);
    socket.send({ id: "q", type: "subscribe", payload: { query: "{ me { id } }" } });
    expect(await socket.message("error")).toMatchObject({ id: "q", payload: [{ extensions: { code: "BAD_REQUEST" } }] });
    socket.send({ id: "v", type: "subscribe", payload: { query: "subscription { ticketEvents { id } }" } });
    await new Promise<void>((resolve) => {
      const check = () => (socket.messages.some((m) => m.id === "v") ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(socket.messages.find((m) => m.id === "v")).toMatchObject({ type: "error", payload: [{ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });
    socket.socket.close();
  });

  it("answers a subscription sent over HTTP with a typed error", async () => {
    const user = await t.createUser("CUSTOMER");
    const res = await t.gql("subscription { myTicketEvents { id } }", {}, user.token);
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringContaining("WebSocket"), extensions: { code: "BAD_REQUEST" } });
  });
});

describe("an open socket", () => {
  it("keeps nothing of its upgrade's HTTP exchange (its response, request and reply)", async () => {
    const user = await t.createUser("CUSTOMER");
    const socket = await acknowledged(user.token);
    const open = [...t.server.app.websocketServer.clients] as unknown as { _socket: { _httpMessage?: unknown } }[];
    expect(open.length).toBeGreaterThan(0);
    // @fastify/websocket assigns a ServerResponse to the socket to route the upgrade; an idle socket would keep it (and the request, reply and logger it holds) for its life.
    expect(open.map((ws) => ws._socket._httpMessage ?? null)).toEqual(open.map(() => null));
    socket.socket.close();
  });
});

describe("shutdown", () => {
  it("closes every socket with 1001 first, so clients reconnect elsewhere and the drain is not held up", async () => {
    const own = await startTestServer();
    try {
      const user = await own.createUser("CUSTOMER");
      const socket = await rawSocket(own, bearer(user.token));
      await socket.message("connection_ack");
      const report = await own.server.close();
      expect((await socket.closed).code).toBe(1001);
      expect(report.answeredAll).toBe(true);
    } finally {
      await own.close();
    }
  });
});
