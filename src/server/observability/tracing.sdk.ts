import { context, propagation, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, RandomIdGenerator, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace-node";
import type { AppConfig } from "../../config.js";
import { traceIds } from "./trace-ids.js";

export interface TracingSdk {
  /** Exports the spans ended so far. */
  flush(): Promise<void>;
  /** Exports what is left and unregisters the SDK (the process may start another server: tests). */
  shutdown(): Promise<void>;
}

type TracingConfig = NonNullable<AppConfig["observability"]["tracing"]>;

/**
 * The OpenTelemetry SDK, imported only when OTEL_EXPORTER_OTLP_ENDPOINT is set (observability.ts):
 * without it no SDK code is loaded and @opentelemetry/api stays a no-op. Spans are made by hand
 * (http.hooks.ts, graphql-route.ts, tracing.sql.ts, the webhook and mail modules): require-hook
 * instrumentation does not see an ESM app unless Node starts with a loader, which a plain
 * `node dist/src/main.js` does not. Exported over OTLP/HTTP (JSON) to `<endpoint>/v1/traces`,
 * in batches; W3C trace context in and out.
 */
export function startTracingSdk(config: TracingConfig): TracingSdk {
  const random = new RandomIdGenerator();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": config.serviceName }),
    // A caller's sampling decision is kept; new traces are sampled at OTEL_TRACES_SAMPLER_ARG.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    idGenerator: {
      generateTraceId: () => traceIds.next ?? random.generateTraceId(),
      generateSpanId: () => random.generateSpanId(),
    },
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.endpoint.replace(/\/+$/, "")}/v1/traces`, headers: config.headers }), {
        scheduledDelayMillis: 1000,
        maxQueueSize: 4096,
      }),
    ],
  });
  provider.register(); // the global tracer provider, W3C trace-context propagator, AsyncLocalStorage context
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
