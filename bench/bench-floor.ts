import type { FastifyInstance } from "fastify";

let floorBody: Buffer = Buffer.from('{"data":null}');

/** The body POST /bench/floor answers; the benchmark sets it to a real response of the query it compares with. */
export function setFloorBody(body: Buffer | string): void {
  floorBody = Buffer.isBuffer(body) ? body : Buffer.from(body);
}

/**
 * The transport floor (benchmark B0, BENCH_FLOOR_ROUTE): a precomputed JSON body through the
 * same TLS, hooks, security headers and compression as /graphql, with no GraphQL,
 * authentication or database work, so the benchmark can show what is left for those.
 */
export function registerBenchFloorRoute(app: FastifyInstance): void {
  app.post("/bench/floor", async (_request, reply) => reply.type("application/json; charset=utf-8").send(floorBody));
}
