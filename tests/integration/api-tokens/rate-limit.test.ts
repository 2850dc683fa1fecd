import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainEventRecord } from "../../../src/db/domain-event.entity.js";
import { DAY } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";

/** Small budgets, so that the tests can spend them: 40 points per user or token, 300 per anonymous IP. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { RATE_LIMIT_POINTS_PER_HOUR: "40", RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: "300" } });
});
afterAll(() => t?.close());

async function post(query: string, token?: string) {
  const res = await t.http<{ data?: any; errors?: any[] }>("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const header = (name: string) => Number(res.headers[name]);
  return { ...res, limit: header("x-ratelimit-limit"), remaining: header("x-ratelimit-remaining"), reset: header("x-ratelimit-reset") };
}

/** The raw exchange of a body that may never reach GraphQL. */
async function send(body: string, token?: string) {
  const res = await t.http<any>("/graphql", { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  return { ...res, limit: Number(res.headers["x-ratelimit-limit"]), remaining: Number(res.headers["x-ratelimit-remaining"]), reset: Number(res.headers["x-ratelimit-reset"]) };
}

async function exportCsv(token: string) {
  const res = await t.http<any>("/export/tickets.csv", { headers: { authorization: `Bearer ${token}` } });
  return { ...res, limit: Number(res.headers["x-ratelimit-limit"]), remaining: Number(res.headers["x-ratelimit-remaining"]), reset: Number(res.headers["x-ratelimit-reset"]) };
}

const BIG = `{ tickets(first: 100) { nodes { id subject status priority createdAt } } }`; // 601 cost units: 7 points
const STATUS = `{ rateLimit { limit cost used remaining resetAt } }`;

describe("the query budget", () => {
  it("is reported in X-RateLimit headers on every response, and by the rateLimit query", async () => {
    const user = await t.createUser();
    const res = await post(STATUS, user.token);
    expect(res.status).toBe(200);
    const body = res.body.data!.rateLimit;
    expect(body).toMatchObject({ limit: 40, cost: 1, used: 1, remaining: 39 });
    expect(res.limit).toBe(40);
    expect(res.remaining).toBe(39);
    expect(res.reset).toBe(Math.ceil(Date.parse(body.resetAt) / 1000));
    expect(res.reset * 1000 - Date.now()).toBeGreaterThan(3590_000);

    const anonymous = await post(`{ me { id } }`);
    expect(anonymous.limit).toBe(300);
    const broken = await post(`{ me { id `, user.token);
    expect(broken.status).toBe(400);
    expect(broken.remaining).toBe(39); // a request that never ran is not charged, but still told where it stands
  });

  it("charges a query by its estimated cost: one point per 100 units, at least one", async () => {
    const user = await t.createUser();
    const before = (await post(`{ me { id } }`, user.token)).remaining;
    const big = await post(`{ rateLimit { cost remaining } ${BIG.slice(1, -1)} }`, user.token);
    expect(big.body.data!.rateLimit.cost).toBe(7);
    expect(big.remaining).toBe(before - 7);
    expect(big.body.data!.rateLimit.remaining).toBe(big.remaining);
  });

  it("refuses a query it cannot cover with RATE_LIMITED, HTTP 429 and Retry-After, without charging it", async () => {
    const user = await t.createUser();
    let remaining = 40;
    while (remaining >= 7) remaining = (await post(BIG, user.token)).remaining;
    const refused = await post(BIG, user.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(3500);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors![0].extensions).toMatchObject({ code: "RATE_LIMITED", limit: 40, remaining, cost: 7 });
    expect(refused.body.errors![0].extensions.retryAfter).toBe(Number(refused.headers["retry-after"]));
    expect(refused.body.errors![0].message).toMatch(/needs 7 points/);
    expect(refused.remaining).toBe(remaining);

    // What is left still buys cheap queries, until it is gone.
    for (let i = 0; i < remaining; i++) expect((await post(`{ me { id } }`, user.token)).status).toBe(200);
    const empty = await post(`{ me { id } }`, user.token);
    expect(empty.status).toBe(429);
    expect(empty.remaining).toBe(0);
  });

  it("is kept per user, per API token and per anonymous IP", async () => {
    const spender = await t.createUser();
    const token = (
      await t.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`, { i: { name: "own budget", scopes: ["TICKETS_READ"], expiresAt: new Date(Date.now() + DAY).toISOString() } }, spender.token)
    ).data!.createApiToken.token as string;
    while ((await post(BIG, spender.token)).status === 200);
    expect((await post(`{ me { id } }`, spender.token)).remaining).toBeLessThan(7);

    const bystander = await t.createUser();
    expect((await post(`{ me { id } }`, bystander.token)).remaining).toBe(39);
    const viaToken = await post(`{ me { id } }`, token);
    expect(viaToken.status).toBe(200);
    expect(viaToken.remaining).toBe(39);
    expect((await post(`{ me { id } }`)).limit).toBe(300);
  });

  it("is reported on requests turned away before they run: too many tokens, malformed JSON, an oversized body", async () => {
    const user = await t.createUser();
    const left = (await post(`{ me { id } }`, user.token)).remaining;
    const turnedAway: [string, string, number][] = [
      ["too many tokens", JSON.stringify({ query: `{ ${"__typename ".repeat(3001)}}` }), 400],
      ["malformed JSON", '{"query": "{ __typename }"', 400],
      ["an oversized body", JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(1024 * 1024 + 10) } }), 413],
    ];
    for (const [name, body, status] of turnedAway) {
      const res = await send(body, user.token);
      expect(res.status, name).toBe(status);
      expect([res.limit, res.remaining], name).toEqual([40, left]); // told where it stands, not charged
      expect(res.reset * 1000 - Date.now(), name).toBeGreaterThan(3500_000);
      const anonymous = await send(body);
      expect(anonymous.status, name).toBe(status);
      expect(anonymous.limit, name).toBe(300);
    }
  });

  it("audits budget hits as RATE_LIMITED, at most once a minute per caller", async () => {
    const user = await t.createUser();
    while ((await post(BIG, user.token)).status === 200);
    await post(BIG, user.token);
    await post(BIG, user.token);
    const audit = await t.gql(
      `query($id: ID!) { auditEvents(first: 5, filter: { actorId: $id, actions: [RATE_LIMITED] }) { totalCount nodes { targetType targetId } } }`,
      { id: user.id },
      await t.adminToken(),
    );
    expect(audit.data!.auditEvents).toEqual({ totalCount: 1, nodes: [{ targetType: "User", targetId: user.id }] });
    const hits = await t.server.orm.em.fork().find(DomainEventRecord, { type: "rate_limit.hit", userId: user.id });
    expect(hits).toEqual([
      expect.objectContaining({ actorId: user.id, targetType: "User", targetId: user.id, visibility: "ADMIN", payload: { limit: "query_budget", caller: `user:${user.id}` } }),
    ]);
  });
});

describe("the CSV export", () => {
  it("is charged what paging through the same rows and columns with `tickets` costs, and reported in X-RateLimit headers", async () => {
    const customer = await t.createUser();
    const page = await post(EXPORT_PAGE, customer.token);
    expect(page.body.errors).toBeUndefined();
    const pagePoints = 40 - page.remaining;
    expect(pagePoints).toBe(20); // 1,901 cost units

    const csv = await exportCsv(customer.token);
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect([csv.limit, csv.remaining]).toEqual([40, page.remaining - pagePoints]);
    expect(csv.reset * 1000 - Date.now()).toBeGreaterThan(3500_000);
  });

  it("is refused with RATE_LIMITED, HTTP 429 and Retry-After when the budget cannot cover it, without charging it", async () => {
    const customer = await t.createUser();
    expect((await exportCsv(customer.token)).remaining).toBe(20);
    expect((await post(`{ me { id } }`, customer.token)).remaining).toBe(19);
    const refused = await exportCsv(customer.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(3500);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: "RATE_LIMITED", limit: 40, remaining: 19, cost: 20, retryAfter: Number(refused.headers["retry-after"]) });
    expect(refused.body.errors[0].message).toMatch(/needs 20 points/);
    expect([refused.limit, refused.remaining]).toEqual([40, 19]);
    // What is left still buys queries.
    expect((await post(`{ me { id } }`, customer.token)).remaining).toBe(18);
  });

  it("draws on an API token's own budget", async () => {
    const owner = await t.createUser();
    const token = (
      await t.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`, { i: { name: "exports", scopes: ["TICKETS_READ"], expiresAt: new Date(Date.now() + DAY).toISOString() } }, owner.token)
    ).data!.createApiToken.token as string;
    expect((await exportCsv(token)).remaining).toBe(20);
    expect((await exportCsv(token)).remaining).toBe(0);
    expect((await exportCsv(token)).status).toBe(429);
    expect((await post(`{ me { id } }`, owner.token)).remaining).toBeGreaterThan(30);
  });
});

/** The export's columns as a `tickets` page (ticket-csv.ts). */
const EXPORT_PAGE = `{ tickets(first: 100) { nodes {
  reference subject status priority category requester { displayName email } assignee { displayName }
  createdAt updatedAt firstResponseAt resolvedAt closedAt timeToFirstResponse timeOpen slaBreached
} } }`;
