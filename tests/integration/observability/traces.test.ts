import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { pino } from "pino";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, DEFAULT_PASSWORD } from "../../support/server.js";
import { startOwnServer, type OwnServer } from "../server/own-server.js";
import { Receiver, until } from "../webhooks/receiver.js";
import { OtlpReceiver, type ReceivedSpan } from "./otlp-receiver.js";

const SERVER = 2; // OTLP SpanKind
const CLIENT = 3;

const logLines: Record<string, any>[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) logLines.push(JSON.parse(line));
    done();
  },
});

let s: OwnServer;
let collector: OtlpReceiver;
let hooks: Receiver;
let smtp: SMTPServer;
const mailed: string[] = [];

beforeAll(async () => {
  collector = await OtlpReceiver.start();
  hooks = await Receiver.start();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on("end", () => {
        mailed.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  s = await startOwnServer({
    logger: pino({ level: "info" }, sink),
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_SERVICE_NAME: "deskql-under-test",
      WEBHOOK_ALLOW_HTTP: "true",
      WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1/32",
      WEBHOOK_POLL_INTERVAL_MS: "600000",
      MAIL_TRANSPORT: "smtp",
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`,
    },
  });
});
afterAll(async () => {
  await s?.dispose();
  await hooks?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await collector?.close();
});

/** The spans of one trace, once the server exported the ones `ready` waits for. */
async function traceOf(traceId: string, ready: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
  return until(async () => {
    await s.server.observability.flush();
    const spans = collector.spans.filter((span) => span.traceId === traceId);
    return ready(spans) && spans;
  }, `the spans of trace ${traceId}`, 20_000);
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const LOGIN = `mutation TracedSignIn($i: LoginInput!) { login(input: $i) { accessToken } }`;

describe("a traced request", () => {
  const traceId = hex(16);
  const callerSpanId = hex(8);
  let spans: ReceivedSpan[];
  let requestId: unknown;
  let statements: number;

  beforeAll(async () => {
    const res = await s.gql(LOGIN, { i: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }, null, { headers: { traceparent: `00-${traceId}-${callerSpanId}-01` } });
    expect(res.body.data.login.accessToken).toEqual(expect.any(String));
    requestId = res.headers["x-request-id"];
    statements = Number(res.headers["x-sql-statements"]);
    spans = await traceOf(traceId, (found) => found.some((span) => span.kind === SERVER) && found.filter((span) => span.attributes["db.system.name"]).length >= statements);
  });

  it("continues the caller's trace (W3C traceparent) with a server span for the request", () => {
    const server = spans.find((span) => span.kind === SERVER)!;
    expect(server).toMatchObject({ name: "POST /graphql", parentSpanId: callerSpanId, serviceName: "deskql-under-test" });
    expect(server.attributes).toMatchObject({ "http.request.method": "POST", "http.route": "/graphql", "http.response.status_code": 200 });
  });

  it("names the GraphQL operation's span, a child of the request's", () => {
    const server = spans.find((span) => span.kind === SERVER)!;
    const operation = spans.find((span) => span.name === "mutation TracedSignIn")!;
    expect(operation.parentSpanId).toBe(server.spanId);
    expect(operation.attributes).toMatchObject({ "graphql.operation.name": "TracedSignIn", "graphql.operation.type": "mutation", "deskql.graphql.outcome": "OK" });
  });

  it("records its SQL statements as children of the operation, without the values they carried", () => {
    const operation = spans.find((span) => span.name === "mutation TracedSignIn")!;
    const sql = spans.filter((span) => span.attributes["db.system.name"]);
    expect(sql.length).toBeGreaterThan(1);
    expect(sql).toHaveLength(statements); // every statement the request sent (EXPOSE_SQL_STATEMENT_COUNT)
    for (const span of sql) {
      expect(span.kind).toBe(CLIENT);
      expect(span.parentSpanId).toBe(operation.spanId);
      expect(span.attributes["db.system.name"]).toBe(s.db ? "mysql" : "sqlite");
      expect(String(span.attributes["db.query.text"])).not.toContain(ADMIN_EMAIL);
    }
    expect(sql.map((span) => span.name)).toContain("INSERT domain_events");
  });

  it("uses the trace id as the request id, in the response and in the log", () => {
    expect(requestId).toBe(traceId);
    const line = logLines.find((l) => l.msg === "request" && l.requestId === traceId);
    expect(line).toMatchObject({ reqId: traceId, operation: "TracedSignIn", status: 200 });
  });

  it("makes no resolver spans unless TRACING_RESOLVER_SPANS asks for them", () => {
    expect(spans.filter((span) => span.name.startsWith("resolve "))).toEqual([]);
  });
});

describe("a page of tickets", () => {
  it("has a span for every statement, those of the snapshot loaders' fast path included", async () => {
    const admin = (await s.gql(LOGIN, { i: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).body.data.login.accessToken;
    const email = `paged.${Date.now()}@example.test`;
    const customer = (await s.gql(`mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`, { i: { email, password: DEFAULT_PASSWORD, displayName: "Paged" } })).body.data.register.accessToken;
    for (const subject of ["First page item", "Second page item"]) await s.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject, description: "Listed." } }, customer);

    const res = await s.gql(`query TracedQueue { tickets(first: 10) { totalCount nodes { id requester { id displayName } latestComments(last: 3) { id } } } }`, {}, admin);
    expect(res.body.errors).toBeUndefined();
    const traceId = String(res.headers["x-request-id"]);
    const statements = Number(res.headers["x-sql-statements"]);
    const spans = await traceOf(traceId, (found) => found.filter((span) => span.attributes["db.system.name"]).length >= statements && found.some((span) => span.kind === SERVER));
    const sql = spans.filter((span) => span.attributes["db.system.name"]);
    expect(statements).toBeGreaterThan(1);
    expect(sql).toHaveLength(statements);
    // The caller's session is read by the auth edge, before the operation; the rest by the operation.
    const operation = spans.find((span) => span.name === "query TracedQueue")!;
    expect(sql.filter((span) => span.parentSpanId === operation.spanId).length).toBeGreaterThan(1);
  });
});

describe("an untraced caller", () => {
  it("gets a trace of its own, whose id is the request id", async () => {
    const res = await s.gql(`query Untraced { __typename }`);
    const requestId = String(res.headers["x-request-id"]);
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await traceOf(requestId, (found) => found.some((span) => span.kind === SERVER));
    expect(spans.find((span) => span.kind === SERVER)!.parentSpanId).toBeUndefined();
    expect(spans.map((span) => span.name)).toContain("query Untraced");
  });

  it("is not trusted with a malformed traceparent: a new trace starts", async () => {
    const res = await s.gql(`query Untraced { __typename }`, {}, null, { headers: { traceparent: `00-${"0".repeat(32)}-${hex(8)}-01` } });
    const requestId = String(res.headers["x-request-id"]);
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(requestId).not.toBe("0".repeat(32));
    const spans = await traceOf(requestId, (found) => found.some((span) => span.kind === SERVER));
    expect(spans.find((span) => span.kind === SERVER)!.parentSpanId).toBeUndefined();
  });
});

describe("outgoing calls", () => {
  it("sends a webhook with the traceparent of its own client span", async () => {
    const admin = (await s.gql(LOGIN, { i: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).body.data.login.accessToken;
    const hook = await s.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret } }`, { i: { url: hooks.url(), events: ["ticket.created"] } }, admin);
    expect(hook.body.errors).toBeUndefined();
    const email = `traced.${Date.now()}@example.test`;
    const customer = (await s.gql(`mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`, { i: { email, password: DEFAULT_PASSWORD, displayName: "Traced" } })).body.data.register.accessToken;
    await s.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject: "Traced printer", description: "Followed." } }, customer);

    const delivery = await until(() => hooks.received[0], "the webhook delivery", 30_000);
    const [, traceId, spanId, flags] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(\d\d)$/.exec(String(delivery.headers.traceparent)) ?? [];
    expect(flags).toBe("01");
    const spans = await traceOf(traceId!, (found) => found.some((span) => span.spanId === spanId));
    expect(spans.find((span) => span.spanId === spanId)).toMatchObject({ name: "webhook POST", kind: CLIENT, attributes: { "http.request.method": "POST", "http.response.status_code": 200, "server.address": "127.0.0.1" } });
  });

  it("sends each email inside a span of its own", async () => {
    // The customer registered above was sent a verification email through the SMTP relay.
    await until(() => mailed.length > 0, "the verification email");
    const span = await until(async () => {
      await s.server.observability.flush();
      return collector.spans.find((candidate) => candidate.name === "mail send");
    }, "the mail span");
    expect(span).toMatchObject({ kind: CLIENT, attributes: { "messaging.system": "smtp", "deskql.mail.kind": "VERIFY_EMAIL" } });
  });

  it("exports over OTLP/HTTP in the JSON encoding", () => {
    expect(collector.contentTypes.length).toBeGreaterThan(0);
    expect(collector.contentTypes.every((type) => type.startsWith("application/json"))).toBe(true);
  });
});
