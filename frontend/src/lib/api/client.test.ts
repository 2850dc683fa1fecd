import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { customer, fakeApi, graphqlError, noSession, session } from "../../../tests/support/fake-api.ts";
import { auth } from "../auth/auth.svelte.ts";
import { MeQuery } from "../graphql/auth.documents.ts";
import { ApiError } from "./api-error.ts";
import { request } from "./client.ts";

const me = { body: { data: { me: { ...customer, emailVerified: true, lastLoginAt: null, lockedUntil: null, deactivatedAt: null, createdAt: "2030-01-01T00:00:00.000Z" } } } };

describe("request", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    auth.stop();
    auth.expire();
    vi.useRealTimers();
  });

  it("sends the bearer token, JSON and Apollo's CSRF header", async () => {
    const api = fakeApi({ "/auth/refresh": session(customer, "token-a"), Me: me });
    await auth.start();

    const data = await request(MeQuery, {});

    expect(data.me?.email).toBe(customer.email);
    const [call] = api.to("Me");
    expect(call?.method).toBe("POST");
    expect(call?.headers).toMatchObject({
      authorization: "Bearer token-a",
      "content-type": "application/json",
      "apollo-require-preflight": "true",
    });
    expect(call?.body.query).toContain("query Me");
  });

  it("refreshes once and retries when the server says the token is no longer valid", async () => {
    const api = fakeApi({
      "/auth/refresh": [session(customer, "token-a"), session(customer, "token-b")],
      Me: [graphqlError("UNAUTHENTICATED", "Token expired."), me],
    });
    await auth.start();

    await request(MeQuery, {});

    const calls = api.to("Me");
    expect(calls.map((c) => c.headers.authorization)).toEqual(["Bearer token-a", "Bearer token-b"]);
  });

  it("also refreshes and retries when the token is refused with HTTP 401 and no data", async () => {
    const refused = { status: 401, body: { errors: [{ message: "The access token is invalid or expired.", extensions: { code: "UNAUTHENTICATED" } }] } };
    const api = fakeApi({ "/auth/refresh": [session(customer, "token-a"), session(customer, "token-b")], Me: [refused, me] });
    await auth.start();

    const data = await request(MeQuery, {});

    expect(data.me?.email).toBe(customer.email);
    expect(api.to("Me").map((c) => c.headers.authorization)).toEqual(["Bearer token-a", "Bearer token-b"]);
  });

  it("gives up and ends the session when the refresh is refused too", async () => {
    fakeApi({ "/auth/refresh": [session(customer, "token-a"), noSession], Me: graphqlError("UNAUTHENTICATED", "Session revoked.") });
    await auth.start();

    await expect(request(MeQuery, {})).rejects.toBeInstanceOf(ApiError);
    expect(auth.status).toBe("signed-out");
    expect(auth.notice).toMatch(/session has ended/);
  });

  it("reports GraphQL errors that arrive with an HTTP error status", async () => {
    fakeApi({ "/auth/refresh": session(customer), Me: graphqlError("GRAPHQL_VALIDATION_FAILED", "Cannot query field.", {}, 400) });
    await auth.start();

    await expect(request(MeQuery, {})).rejects.toMatchObject({ kind: "graphql", code: "GRAPHQL_VALIDATION_FAILED", status: 400 });
  });

  it("reports an HTTP failure without a GraphQL body", async () => {
    fakeApi({ "/auth/refresh": session(customer), Me: { status: 502, body: "Bad gateway" } });
    await auth.start();

    await expect(request(MeQuery, {})).rejects.toMatchObject({ kind: "http", status: 502 });
  });
});
