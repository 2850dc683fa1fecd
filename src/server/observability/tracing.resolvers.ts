import { SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { isObjectType, responsePathAsArray, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";

const tracer = trace.getTracer("deskql");

function ended<T>(span: Span, result: T): T {
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

/**
 * TRACING_RESOLVER_SPANS: a span for every field with a resolver of its own (plain property
 * reads have none), inside a traced request. Off by default: a page of 50 tickets resolves
 * hundreds of fields, and the trace would be mostly them. Wraps the resolvers in place, before
 * Apollo and graphql-jit compile them.
 */
export function withResolverSpans(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      const name = `resolve ${type.name}.${field.name}`;
      const traced: GraphQLFieldResolver<unknown, unknown> = (source, args, ctx, info) => {
        if (!trace.getActiveSpan()?.isRecording()) return resolve(source, args, ctx, info);
        return tracer.startActiveSpan(name, { attributes: { "graphql.field.path": responsePathAsArray(info.path).join(".") } }, (span) => {
          try {
            return ended(span, resolve(source, args, ctx, info));
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.end();
            throw error;
          }
        });
      };
      field.resolve = traced;
    }
  }
  return schema;
}
