import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { agent, customer, fakeApi, graphqlError, noSession, session } from "../../../tests/support/fake-api.ts";
import { ApiError } from "../api/api-error.ts";
import { AuthStore } from "./auth.svelte.ts";

describe("AuthStore", () => {
  let store: AuthStore;

  beforeEach(() => {
    vi.useFakeTimers();
    store = new AuthStore();
  });

  afterEach(() => {
    store.stop();
    vi.useRealTimers();
  });

  it("restores the session on load by POSTing {} to /auth/refresh with the cookie", async () => {
    const api = fakeApi({ "/auth/refresh": session(customer) });

    await store.start();

    expect(store.status).toBe("signed-in");
    expect(store.user).toEqual(customer);
    expect(store.accessToken).toBe("access-1");
    const [call] = api.fetch.mock.calls;
    expect(call?.[0]).toBe("/auth/refresh");
    expect(call?.[1]).toMatchObject({ method: "POST", body: "{}", credentials: "same-origin" });
    expect(api.requests[0]?.headers["content-type"]).toBe("application/json");
  });

  it("starts signed out, without a message, when there is no session cookie", async () => {
    fakeApi({ "/auth/refresh": noSession });

    await store.start();

    expect(store.status).toBe("signed-out");
    expect(store.notice).toBeNull();
    expect(store.accessToken).toBeNull();
  });

  it("says the server is unreachable when the restoring refresh gets no answer", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));

    await store.start();

    expect(store.status).toBe("signed-out");
    expect(store.notice).toMatch(/cannot reach the DeskQL server/i);
  });

  it("refreshes silently a minute before the access token expires", async () => {
    const api = fakeApi({ "/auth/refresh": [session(customer, "access-1", 900), session(customer, "access-2", 900)] });
    await store.start();

    await vi.advanceTimersByTimeAsync(839_000);
    expect(api.to("/auth/refresh")).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(api.to("/auth/refresh")).toHaveLength(2);
    expect(store.accessToken).toBe("access-2");
    expect(store.status).toBe("signed-in");
  });

  it("returns to sign-in with a clear message when the server refuses a refresh", async () => {
    fakeApi({ "/auth/refresh": [session(customer, "access-1", 900), noSession] });
    await store.start();

    await vi.advanceTimersByTimeAsync(840_000);

    expect(store.status).toBe("signed-out");
    expect(store.accessToken).toBeNull();
    expect(store.user).toBeNull();
    expect(store.notice).toBe("Your session has ended. Please sign in again.");
  });

  it("shares one refresh request between concurrent callers", async () => {
    const api = fakeApi({ "/auth/refresh": session(agent) });

    const results = await Promise.all([store.refresh(), store.refresh(), store.refresh()]);

    expect(results).toEqual([true, true, true]);
    expect(api.to("/auth/refresh")).toHaveLength(1);
  });

  it("signs in through the login mutation, asking for the refresh token as a cookie", async () => {
    const api = fakeApi({ Login: { body: { data: { login: { accessToken: "access-9", expiresIn: 900, user: agent } } } } });

    await store.signIn("alex@example.com", "a long enough passphrase");

    const [login] = api.to("Login");
    expect(login?.headers["x-refresh-cookie"]).toBe("1");
    expect(login?.headers["apollo-require-preflight"]).toBe("true");
    expect(login?.headers["content-type"]).toBe("application/json");
    expect(login?.body.variables).toEqual({ input: { email: "alex@example.com", password: "a long enough passphrase" } });
    expect(store.user).toEqual(agent);
    expect(store.isStaff).toBe(true);
  });

  it("never writes the access token to storage or a readable cookie", async () => {
    fakeApi({ Login: { body: { data: { login: { accessToken: "secret-access-token", expiresIn: 900, user: customer } } } } });

    await store.signIn("casey@example.com", "a long enough passphrase");

    const stored = [...Object.values(localStorage), ...Object.values(sessionStorage), document.cookie].join(" ");
    expect(stored).not.toContain("secret-access-token");
    expect(store.accessToken).toBe("secret-access-token");
  });

  it("rejects a failed sign-in with the server's error and stays signed out", async () => {
    fakeApi({ Login: graphqlError("ACCOUNT_LOCKED", "Locked.", { lockedUntil: "2030-01-01T10:00:00.000Z" }) });
    await store.start().catch(() => undefined);

    const attempt = store.signIn("casey@example.com", "wrong password here");

    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toMatchObject({ code: "ACCOUNT_LOCKED" });
    expect(store.status).toBe("signed-out");
  });

  it("signs out by calling /auth/logout and forgetting the session", async () => {
    const api = fakeApi({ "/auth/refresh": session(customer, "access-1"), "/auth/logout": { body: { ok: true } } });
    await store.start();

    await store.signOut();

    const [logout] = api.to("/auth/logout");
    expect(logout?.method).toBe("POST");
    expect(logout?.headers.authorization).toBe("Bearer access-1");
    expect(store.status).toBe("signed-out");
    expect(store.accessToken).toBeNull();
    expect(store.user).toBeNull();

    // No refresh is scheduled for a session that no longer exists.
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(api.to("/auth/refresh")).toHaveLength(1);
  });
});
