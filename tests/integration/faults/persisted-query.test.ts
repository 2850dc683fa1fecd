import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";

/** Persisted queries are not offered: a hash alone is refused with a code, like any bad request, not an internal error. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const post = (body: unknown) => t.http<any>("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("persisted queries", () => {
  it("answers an unknown hash PERSISTED_QUERY_NOT_FOUND, as the protocol has clients then send the query", async () => {
    const res = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38" } } });
    expect(res.body.errors).toEqual([{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }]);
  });

  it("refuses a hash that does not match its query, or an unknown version, with HTTP 400 and a code, not an internal error", async () => {
    for (const body of [
      { query: "{ __typename }", extensions: { persistedQuery: { version: 1, sha256Hash: "00" } } },
      { extensions: { persistedQuery: { version: 2, sha256Hash: "00" } } },
      { extensions: { persistedQuery: "x" } },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].extensions).toEqual({ code: "PERSISTED_QUERY_NOT_SUPPORTED" });
    }
  });
});
