import { context, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { buildSchema, graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OperationNames } from "../../../src/server/observability/operation-names.js";
import { withResolverSpans } from "../../../src/server/observability/tracing.resolvers.js";
import { statementShape } from "../../../src/server/observability/tracing.sql.js";

describe("operation names as metric labels", () => {
  it("keeps the first names up to the cap, then counts new ones as other", () => {
    const names = new OperationNames(2);
    expect([names.label("Tickets"), names.label("Me"), names.label("Invented1"), names.label("Tickets")]).toEqual(["Tickets", "Me", "other", "Tickets"]);
  });

  it("collapses unnamed operations and absurdly long names", () => {
    const names = new OperationNames(10);
    expect([names.label(null), names.label(undefined), names.label(""), names.label("A".repeat(101))]).toEqual(["anonymous", "anonymous", "anonymous", "other"]);
  });
});

describe("SQL span text", () => {
  it("keeps the statement's shape, not the values MikroORM inlined", () => {
    expect(statementShape("select `u0`.* from `users` as `u0` where `u0`.`email` = 'someone@example.com' and `u0`.`age` > 42 limit 1")).toBe(
      "select `u0`.* from `users` as `u0` where `u0`.`email` = ? and `u0`.`age` > ? limit ?",
    );
    expect(statementShape("insert into t (a) values ('it''s \\'quoted\\'', 3.5)")).toBe("insert into t (a) values (?, ?)");
  });
});

describe("resolver spans (TRACING_RESOLVER_SPANS)", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const schema = buildSchema(`type Query { hello: String, later: String, plain: String }`);
  schema.getQueryType()!.getFields().hello!.resolve = () => "hi";
  schema.getQueryType()!.getFields().later!.resolve = async () => "soon";
  withResolverSpans(schema);

  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it("records a span per resolver of its own inside a traced operation, none for plain fields", async () => {
    const tracer = trace.getTracer("test");
    const result = await tracer.startActiveSpan("operation", async (span) => {
      const out = await graphql({ schema, source: "{ hello later plain }", rootValue: { plain: "p" } });
      span.end();
      return out;
    });
    expect(result).toEqual({ data: { hello: "hi", later: "soon", plain: "p" } });
    const spans = exporter.getFinishedSpans();
    const operation = spans.find((s) => s.name === "operation")!;
    expect(spans.filter((s) => s.name.startsWith("resolve ")).map((s) => [s.name, s.parentSpanContext?.spanId])).toEqual(
      expect.arrayContaining([
        ["resolve Query.hello", operation.spanContext().spanId],
        ["resolve Query.later", operation.spanContext().spanId],
      ]),
    );
    expect(spans.map((s) => s.name)).not.toContain("resolve Query.plain");
  });

  it("stays out of the way outside a traced operation", async () => {
    exporter.reset();
    expect((await graphql({ schema, source: "{ hello }" })).data).toEqual({ hello: "hi" });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
