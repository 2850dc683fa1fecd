import type { IncomingMessage, Server } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import { context, SpanKind, trace } from "@opentelemetry/api";
import type { FastifyInstance } from "fastify";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { AppConfig } from "../../config.js";
import type { RequestMeta } from "../../core/scope.js";
import type { Context } from "../../graphql/context.js";
import type { Services } from "../../services.js";
import { newRequestId } from "../request-id.js";
import { observabilityPlugin } from "./graphql.plugin.js";
import { registerHttpMetrics, registerHttpTracing } from "./http.hooks.js";
import { registerMetricsRoute, startMetricsListener } from "./metrics.endpoint.js";
import { countDomainEvents } from "./metrics.events.js";
import { registerGauges } from "./metrics.gauges.js";
import { ServerMetrics } from "./metrics.registry.js";
import { OperationNames } from "./operation-names.js";
import { traceRequestId } from "./trace-ids.js";
import type { TracingSdk } from "./tracing.sdk.js";
import { withResolverSpans } from "./tracing.resolvers.js";
import { traceSql, untraceSql } from "./tracing.sql.js";

const tracer = trace.getTracer("deskql");

/**
 * Metrics (prom-client) and traces (OpenTelemetry), each off unless configured, and then costing
 * nothing: no hooks, no plugin, no SDK loaded. start.ts creates it before the app, app.ts and
 * graphql-route.ts ask it for their hooks, plugin and handler wrapper, and close() stops it.
 */
export class Observability {
  /** The metrics listener's URL (METRICS_PORT), once started. */
  metricsUrl: string | null = null;
  private listener: Server | undefined;
  private readonly names: OperationNames;
  private readonly labels = new WeakMap<RequestMeta, string>();

  private constructor(
    private readonly config: AppConfig["observability"],
    readonly metrics: ServerMetrics | null,
    private readonly sdk: TracingSdk | null,
    private readonly services: Services,
    private readonly logger: Logger,
  ) {
    this.names = new OperationNames(config.metrics.maxOperationNames);
  }

  static async start(config: AppConfig, services: Services, logger: Logger): Promise<Observability> {
    const { observability } = config;
    const metrics = observability.metrics.enabled ? new ServerMetrics() : null;
    if (metrics) countDomainEvents(metrics, services.events, services.webhookWorker);
    let sdk: TracingSdk | null = null;
    if (observability.tracing) {
      const { startTracingSdk } = await import("./tracing.sdk.js");
      sdk = startTracingSdk(observability.tracing);
      traceSql(services.orm, config.database.kind);
      logger.info({ endpoint: observability.tracing.endpoint, sampleRatio: observability.tracing.sampleRatio }, "tracing: exporting spans over OTLP/HTTP");
    }
    return new Observability(observability, metrics, sdk, services, logger);
  }

  get tracing(): boolean {
    return this.sdk !== null;
  }

  /** Fastify's genReqId: the trace id while tracing (trace-ids.ts), a UUIDv7 otherwise. */
  get requestId(): (request: IncomingMessage) => string {
    return this.sdk ? traceRequestId : newRequestId;
  }

  /** The hooks and the /metrics route; app.ts calls it right after the statement counter's hook. */
  register(app: FastifyInstance): void {
    if (this.sdk) registerHttpTracing(app);
    if (!this.metrics) return;
    registerHttpMetrics(app, this.metrics, this.labels);
    registerGauges(this.metrics, this.services, () => app.liveSockets?.count ?? 0, (error) => this.logger.warn({ err: error }, "metrics: could not read the backlog from the database"));
    if (this.config.metrics.token) registerMetricsRoute(app, this.metrics, this.config.metrics.token);
  }

  apolloPlugins(): ApolloServerPlugin<Context>[] {
    if (!this.metrics && !this.sdk) return [];
    return [observabilityPlugin({ metrics: this.metrics, names: this.names, labels: this.labels, tracing: this.tracing })];
  }

  /** A span around Apollo's handling of a request, so the operation's SQL and resolver spans are its children. */
  traceGraphql<H extends (this: never, ...args: never[]) => unknown>(handler: H): H {
    if (!this.sdk) return handler;
    return function (this: ThisParameterType<H>, ...args: Parameters<H>) {
      const span = tracer.startSpan("graphql", { kind: SpanKind.INTERNAL });
      return Promise.resolve(context.with(trace.setSpan(context.active(), span), () => (handler as (...a: Parameters<H>) => unknown).apply(this, args))).finally(() => span.end());
    } as unknown as H;
  }

  /** Resolver spans, when TRACING_RESOLVER_SPANS asks for them. */
  instrumentSchema(schema: GraphQLSchema): GraphQLSchema {
    return this.config.tracing?.resolverSpans ? withResolverSpans(schema) : schema;
  }

  /** Opens the METRICS_PORT listener, if one is configured. */
  async listen(): Promise<void> {
    const { metrics: settings } = this.config;
    if (!this.metrics || settings.port === undefined) return;
    const { server, url } = await startMetricsListener(this.metrics, { host: settings.host, port: settings.port, token: settings.token });
    this.listener = server;
    this.metricsUrl = url;
    this.logger.info({ url }, "metrics: serving /metrics");
  }

  /** Exports the spans ended so far (tests, and before a planned stop). */
  async flush(): Promise<void> {
    await this.sdk?.flush();
  }

  async stop(): Promise<void> {
    if (this.listener) {
      const closed = new Promise<void>((resolve) => this.listener!.close(() => resolve()));
      this.listener.closeAllConnections();
      await closed;
    }
    if (this.sdk) untraceSql();
    await this.sdk?.shutdown().catch((error: unknown) => this.logger.warn({ err: error }, "tracing: could not export the last spans"));
  }
}
