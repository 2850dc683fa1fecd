import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";
import { Receiver, until } from "../webhooks/receiver.js";
import { dashboardMetricNames } from "./dashboard-metrics.js";
import { declaredMetrics, parseSamples, sumOf, valueOf, type Sample } from "./prometheus-text.js";

const TOKEN = "a metrics token for the tests 0123";
let t: TestServer;
let receiver: Receiver;
let graphqlPosts = 0;
let admin: string;

/** A GET of the METRICS_PORT listener (plain HTTP on loopback). */
function plainGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; type: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, type: String(res.headers["content-type"]) }));
    })
      .on("error", reject)
      .end();
  });
}

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await plainGet(t.server.observability.metricsUrl!, { authorization: `Bearer ${TOKEN}` });
  expect(res.status).toBe(200);
  return { text: res.text, samples: parseSamples(res.text) };
}

const gql = (query: string, variables?: Record<string, unknown>, token?: string | null) => {
  graphqlPosts++;
  return t.gql(query, variables, token);
};
const login = (email: string, password: string) => gql(`mutation SignIn($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email, password } });

beforeAll(async () => {
  receiver = await Receiver.start();
  t = await startTestServer({
    env: {
      METRICS_PORT: "0",
      METRICS_TOKEN: TOKEN,
      RATE_LIMIT_LOGIN_PER_MINUTE: "4",
      LOGIN_MAX_FAILURES: "2",
      WEBHOOK_ALLOW_HTTP: "true",
      WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1/32",
      WEBHOOK_POLL_INTERVAL_MS: "600000",
    },
  });
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

describe("/metrics after known traffic", () => {
  let samples: Sample[];
  let text: string;
  let customer: string;

  beforeAll(async () => {
    // Five named queries, two anonymous ones, one that does not parse.
    for (let i = 0; i < 5; i++) expect((await gql(`query MetricsPing { __typename }`)).data).toEqual({ __typename: "Query" });
    for (let i = 0; i < 2; i++) await gql(`{ __typename }`);
    expect((await gql(`query Broken {`)).errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");

    // Sign-ins, four allowed a minute from this address: a wrong password, a right one, two wrong
    // ones for a customer (LOGIN_MAX_FAILURES=2 locks the account), then one refused.
    const email = `metrics.${Date.now()}@example.test`;
    const registered = await gql(`mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`, { i: { email, password: DEFAULT_PASSWORD, displayName: "Metered" } });
    customer = registered.data!.register.accessToken;
    expect((await login(ADMIN_EMAIL, "not the admin password at all")).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    admin = (await login(ADMIN_EMAIL, ADMIN_PASSWORD)).data!.login.accessToken as string;
    expect((await login(email, "a wrong passphrase, once")).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await login(email, "a wrong passphrase, twice")).errors?.[0]?.extensions?.code).toBe("ACCOUNT_LOCKED");
    expect((await login(email, DEFAULT_PASSWORD)).errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");

    // A webhook, and a ticket whose creation it delivers.
    const hook = await gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret } }`, { i: { url: receiver.url(), events: ["ticket.created"] } }, admin);
    expect(hook.errors).toBeUndefined();
    const ticket = await gql(`mutation OpenTicket($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject: "Metered printer", description: "Counted." } }, customer);
    expect(ticket.errors).toBeUndefined();
    await until(() => receiver.received.length === 1, "the webhook delivery");
    await until(async () => valueOf((await scrape()).samples, "deskql_webhook_deliveries_total", { outcome: "delivered" }) === 1, "the delivery to be counted");

    ({ text, samples } = await scrape());
  });

  it("counts GraphQL operations by name, type and outcome, anonymous and unparsable ones collapsed", () => {
    expect(valueOf(samples, "deskql_graphql_operations_total", { operation: "MetricsPing", type: "query", outcome: "OK" })).toBe(5);
    expect(valueOf(samples, "deskql_graphql_operations_total", { operation: "anonymous", type: "query", outcome: "OK" })).toBe(2);
    expect(valueOf(samples, "deskql_graphql_operations_total", { operation: "invalid", type: "unknown", outcome: "GRAPHQL_PARSE_FAILED" })).toBe(1);
    expect(valueOf(samples, "deskql_graphql_operations_total", { operation: "SignIn", type: "mutation", outcome: "UNAUTHENTICATED" })).toBe(2);
    expect(valueOf(samples, "deskql_graphql_operations_total", { operation: "SignIn", type: "mutation", outcome: "OK" })).toBe(1);
    expect(valueOf(samples, "deskql_graphql_operations_total", { operation: "SignIn", type: "mutation", outcome: "ACCOUNT_LOCKED" })).toBe(1);
    expect(valueOf(samples, "deskql_graphql_operations_total", { operation: "SignIn", type: "mutation", outcome: "RATE_LIMITED" })).toBe(1);
    expect(valueOf(samples, "deskql_graphql_operation_duration_seconds_count", { operation: "MetricsPing", type: "query" })).toBe(5);
    // No label carries what the client wrote beyond an operation name.
    expect(samples.filter((s) => s.name === "deskql_graphql_operations_total").map((s) => s.labels.operation)).not.toContain("Broken");
  });

  it("counts HTTP requests by route and status, and times them", () => {
    // Every POST this suite sent, whatever its status (the unparsable one answered 400); scrapes go to the other port.
    expect(sumOf(samples, "deskql_http_requests_total", { method: "POST", route: "/graphql" })).toBe(graphqlPosts);
    expect(valueOf(samples, "deskql_http_requests_total", { method: "POST", route: "/graphql", status: "400" })).toBe(1);
    expect(sumOf(samples, "deskql_http_request_duration_seconds_count", { method: "POST", route: "/graphql" })).toBe(graphqlPosts);
  });

  it("records the SQL statements of each request, by operation", () => {
    expect(valueOf(samples, "deskql_sql_statements_per_request_count", { route: "/graphql", operation: "OpenTicket" })).toBe(1);
    expect(valueOf(samples, "deskql_sql_statements_per_request_sum", { route: "/graphql", operation: "OpenTicket" })).toBeGreaterThan(0);
    expect(valueOf(samples, "deskql_sql_statements_per_request_count", { route: "/graphql", operation: "MetricsPing" })).toBe(5);
  });

  it("counts sign-ins by outcome, lockouts and rate-limit refusals from what the server did", () => {
    expect(valueOf(samples, "deskql_sign_ins_total", { outcome: "wrong_password", method: "password" })).toBe(3);
    expect(valueOf(samples, "deskql_sign_ins_total", { outcome: "succeeded", method: "password" })).toBe(1);
    expect(valueOf(samples, "deskql_account_lockouts_total")).toBe(1);
    expect(valueOf(samples, "deskql_rate_limit_refusals_total", { limit: "login" })).toBe(1);
  });

  it("reports webhook deliveries, the event outbox, the pool, the hash queue and Node's own metrics", () => {
    expect(valueOf(samples, "deskql_webhook_deliveries_total", { outcome: "delivered" })).toBe(1);
    expect(valueOf(samples, "deskql_webhook_deliveries_total", { outcome: "failed" })).toBe(0);
    expect(valueOf(samples, "deskql_webhook_deliveries_pending")).toBe(0);
    expect(valueOf(samples, "deskql_events_last_position")).toBeGreaterThan(0);
    expect(valueOf(samples, "deskql_event_outbox_lag", { reader: "webhooks" })).toBe(0);
    expect(valueOf(samples, "deskql_db_pool_max")).toBe(t.dialect === "mariadb" ? 5 : 1);
    expect(valueOf(samples, "deskql_password_hashes", { state: "waiting" })).toBe(0);
    expect(valueOf(samples, "deskql_password_hash_slots")).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, "deskql_websocket_connections")).toBe(0);
    expect(valueOf(samples, "deskql_mail_outbox_messages", { status: "failed" })).toBe(0);
    expect(valueOf(samples, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(declaredMetrics(text).has("nodejs_eventloop_lag_seconds")).toBe(true);
  });

  it("declares every metric the Grafana dashboard graphs", () => {
    const declared = declaredMetrics(text);
    const missing = dashboardMetricNames().filter((name) => !declared.has(name) && !declared.has(name.replace(/_(bucket|sum|count)$/, "")));
    expect(missing).toEqual([]);
  });
});

describe("who may read /metrics", () => {
  it("refuses the main port without the token, or with another", async () => {
    const none = await t.http("/metrics");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect((none.body as any).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect((await t.http("/metrics", { headers: { authorization: "Bearer not the metrics token, no" } })).status).toBe(401);
    // A user's access token is not the metrics token either.
    expect((await t.http("/metrics", { headers: { authorization: `Bearer ${admin}` } })).status).toBe(401);
  });

  it("answers the main port with the token, and asks the metrics port for it too", async () => {
    const res = await t.http("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(String(res.headers["content-type"])).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toContain("# TYPE deskql_http_requests_total counter");
    const url = t.server.observability.metricsUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await plainGet(url)).status).toBe(401);
    expect((await plainGet(url, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await plainGet(url.replace("/metrics", "/graphql"), { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });

  it("is not served at all by a server with no metrics settings", async () => {
    const plain = await startTestServer({ embedded: true });
    try {
      expect(plain.server.observability.metricsUrl).toBeNull();
      const res = await plain.http("/metrics", { headers: { authorization: `Bearer ${TOKEN}`, accept: "text/html" } });
      expect(res.status).toBe(404);
      expect(res.text).not.toContain("deskql_");
    } finally {
      await plain.close();
    }
  });
});
