import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { BadUserInputError, RateLimitedError } from "../../src/core/errors.js";
import { httpErrorOf, sendError } from "../../src/server/error-envelope.js";

/** A bare Fastify app answering errors as app.ts does, with its log lines captured. */
function app() {
  const lines: Record<string, any>[] = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
  const fastify = Fastify({ logger: { level: "info", stream }, bodyLimit: 1024 });
  fastify.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => sendError(request, reply, httpErrorOf(error, 1024)));
  fastify.get("/input", async () => {
    throw new BadUserInputError('Invalid "status": no such status', "status");
  });
  fastify.get("/limited", async () => {
    throw new RateLimitedError(30);
  });
  fastify.get("/bug", async () => {
    throw new Error("ER_PARSE_ERROR near 'select * from users'");
  });
  fastify.post("/echo", async (request) => request.body);
  return { fastify, lines };
}

describe("the error envelope", () => {
  it("answers a domain error with its status, code, message and extensions", async () => {
    const { fastify } = app();
    const res = await fastify.inject("/input");
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ errors: [{ message: 'Invalid "status": no such status', extensions: { code: "BAD_USER_INPUT", field: "status" } }] });
    const limited = await fastify.inject("/limited");
    expect(limited.statusCode).toBe(429);
    expect(limited.json().errors[0].extensions).toEqual({ code: "RATE_LIMITED", retryAfter: 30 });
  });

  it("masks an unexpected error and logs it with the request id", async () => {
    const { fastify, lines } = app();
    const res = await fastify.inject("/bug");
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ errors: [{ message: "Internal server error. The incident was logged.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
    expect(res.body).not.toMatch(/select|ER_PARSE/);
    const logged = lines.find((l) => l.msg === "unhandled error");
    expect(logged?.err.message).toMatch(/ER_PARSE_ERROR/);
    expect(logged?.requestId).toBeTruthy();
  });

  it("answers Fastify's own refusals: malformed JSON as BAD_REQUEST, a body over the limit as PAYLOAD_TOO_LARGE", async () => {
    const { fastify } = app();
    const malformed = await fastify.inject({ method: "POST", url: "/echo", headers: { "content-type": "application/json" }, payload: '{"a":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].extensions).toEqual({ code: "BAD_REQUEST" });
    const large = await fastify.inject({ method: "POST", url: "/echo", headers: { "content-type": "application/json" }, payload: JSON.stringify({ pad: "x".repeat(2000) }) });
    expect(large.statusCode).toBe(413);
    expect(large.json()).toEqual({ errors: [{ message: "The request body exceeds 1024 bytes.", extensions: { code: "PAYLOAD_TOO_LARGE" } }] });
  });
});
