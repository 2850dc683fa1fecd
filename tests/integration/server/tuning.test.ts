import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBenchFloorRoute, setFloorBody } from "../../../bench/bench-floor.js";
import { buildBareSchema } from "../../../src/graphql/schema.js";
import { startOwnServer, type OwnServer } from "./own-server.js";

/**
 * The benchmark's seam (src/server/tuning.ts): bench/server-child.ts hands startServer its
 * tuning; production passes none (http-surface.test.ts: no /bench/floor there).
 */
let s: OwnServer;
beforeAll(async () => {
  s = await startOwnServer({ tuning: { caches: false, schema: buildBareSchema, routes: registerBenchFloorRoute } });
});
afterAll(() => s?.dispose());

describe("a server tuned by the benchmark", () => {
  it("serves the floor route behind the same hooks and headers as /graphql", async () => {
    setFloorBody('{"data":{"floor":true}}');
    const res = await s.http("/bench/floor", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { floor: true } });
    expect(res.headers["x-request-id"]).toBeTruthy();
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=31536000/);
  });

  it("runs the schema it was given: without permissions, anyone reads the user list", async () => {
    const res = await s.gql(`{ users(first: 1) { totalCount } }`);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.users.totalCount).toBeGreaterThanOrEqual(1);
  });

  it("answers repeated requests with its caches off", async () => {
    for (let i = 0; i < 3; i++) expect((await s.gql(`{ __typename }`)).body).toEqual({ data: { __typename: "Query" } });
  });
});
