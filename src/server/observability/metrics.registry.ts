import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STATEMENT_BUCKETS = [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64];

/**
 * Every metric this process exposes at /metrics, in its own registry (not prom-client's global
 * one: tests start several servers in one process). Each replica exposes its own; Prometheus
 * adds them up. Label values are bounded: routes as registered, operation names through
 * OperationNames, outcomes as error codes.
 */
export class ServerMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: "deskql_http_requests_total",
    help: "HTTP requests answered, by method, route (as registered; unmatched for none) and status code.",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: "deskql_http_request_duration_seconds",
    help: "Time from a request's arrival to its answer, by method and route.",
    labelNames: ["method", "route"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly sqlStatements = new Histogram({
    name: "deskql_sql_statements_per_request",
    help: "SQL statements each HTTP request sent, by route and GraphQL operation (none for other routes).",
    labelNames: ["route", "operation"] as const,
    buckets: STATEMENT_BUCKETS,
    registers: [this.registry],
  });
  readonly graphqlOperations = new Counter({
    name: "deskql_graphql_operations_total",
    help: "GraphQL operations over HTTP, by operation name, type and outcome (OK or the first error's code).",
    labelNames: ["operation", "type", "outcome"] as const,
    registers: [this.registry],
  });
  readonly graphqlDuration = new Histogram({
    name: "deskql_graphql_operation_duration_seconds",
    help: "Time Apollo spent on an operation (parse to response), by operation name and type.",
    labelNames: ["operation", "type"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly signIns = new Counter({
    name: "deskql_sign_ins_total",
    help: "Sign-in attempts, by outcome (succeeded, wrong_password, unknown_email) and method.",
    labelNames: ["outcome", "method"] as const,
    registers: [this.registry],
  });
  readonly lockouts = new Counter({
    name: "deskql_account_lockouts_total",
    help: "Accounts locked after too many failed sign-ins.",
    registers: [this.registry],
  });
  readonly rateLimitRefusals = new Counter({
    name: "deskql_rate_limit_refusals_total",
    help: "Requests refused with RATE_LIMITED, by limit: query_budget, or the mutation whose own limiter refused.",
    labelNames: ["limit"] as const,
    registers: [this.registry],
  });
  readonly webhookAttempts = new Counter({
    name: "deskql_webhook_deliveries_total",
    help: "Webhook delivery attempts, by outcome: delivered, retrying (failed, will retry) or failed (given up).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly webhookDuration = new Histogram({
    name: "deskql_webhook_delivery_duration_seconds",
    help: "Time a webhook endpoint took to answer a delivery attempt.",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    // Node's own: CPU, memory, heap spaces, event-loop lag, GC, handles (prom-client's names).
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge whose value is read at each scrape. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect: (gauge: Gauge<L>) => void | Promise<void>): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect(this);
      },
    });
  }
}
