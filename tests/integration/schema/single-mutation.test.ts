import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailTo } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";

/**
 * A mutation request runs one mutation: a document whose mutation selects two root fields is
 * refused at validation, so nothing runs, rather than answering `data: null` over the writes of
 * the fields that ran before the one that failed.
 */
let t: TestServer;
let customer: Awaited<ReturnType<TestServer["createUser"]>>;
beforeAll(async () => {
  t = await startTestServer();
  customer = await t.createUser();
});
afterAll(() => t?.close());

const post = (query: string, token: string | null = customer.token) =>
  t.http<any>("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });

function expectRefused(res: Awaited<ReturnType<typeof post>>, fields: string[]) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
  expect(res.body.errors[0].message).toBe(`A mutation request runs one mutation; send each as its own request. This one selects ${fields.length}: ${fields.join(", ")}.`);
}

async function mySubjects(): Promise<string[]> {
  const res = await t.gql(`{ tickets(first: 100) { nodes { subject } } }`, {}, customer.token);
  return res.data!.tickets.nodes.map((n: { subject: string }) => n.subject);
}

describe("one mutation per request", () => {
  it("refuses two createTicket calls, one of them invalid, and creates neither ticket", async () => {
    expectRefused(await post(`mutation { a: ${CREATE("multi-op A")} b: ${CREATE("")} }`), ["a", "b"]);
    expect(await mySubjects()).not.toContain("multi-op A");
  });

  it("refuses fifteen aliased password-reset requests and queues no mail", async () => {
    const resets = Array.from({ length: 15 }, (_, i) => `r${i + 1}: requestPasswordReset(email: "${customer.email}")`).join(" ");
    expectRefused(await post(`mutation { ${resets} }`, null), Array.from({ length: 15 }, (_, i) => `r${i + 1}`));
    await t.server.services.background.drain();
    expect(await mailTo(t, customer.email, "PASSWORD_RESET")).toEqual([]);
  });

  it("counts the fields a fragment or an inline fragment brings to the root", async () => {
    expectRefused(await post(`mutation { a: ${CREATE("multi-op fragment")} ...B } fragment B on Mutation { b: ${CREATE("multi-op fragment")} }`), ["a", "b"]);
    expectRefused(await post(`mutation { ... on Mutation { a: ${CREATE("multi-op inline")} } ... { b: ${CREATE("multi-op inline")} } }`), ["a", "b"]);
    expect(await mySubjects()).not.toContain("multi-op fragment");
    expect(await mySubjects()).not.toContain("multi-op inline");
  });

  it("runs a single mutation with __typename beside it", async () => {
    const res = await post(`mutation { __typename kind: __typename ${CREATE("one mutation")} }`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toMatchObject({ __typename: "Mutation", kind: "Mutation", createTicket: { subject: "one mutation" } });
    expect(await mySubjects()).toContain("one mutation");
  });

  it("runs the same mutation asked twice under one name once, as execution merges it", async () => {
    const res = await post(`mutation { ${CREATE("merged")} ...M } fragment M on Mutation { ${CREATE("merged")} }`);
    expect(res.body.errors).toBeUndefined();
    expect((await mySubjects()).filter((s) => s === "merged")).toHaveLength(1);
  });

  it("leaves queries with many root fields alone", async () => {
    const res = await post(`{ a: me { id } b: me { id } tickets(first: 1) { totalCount } }`);
    expect(res.body.errors).toBeUndefined();
  });
});

const CREATE = (subject: string) => `createTicket(input: { subject: ${JSON.stringify(subject)}, description: "d" }) { id subject }`;
