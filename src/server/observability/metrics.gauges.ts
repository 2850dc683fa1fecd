import type { Orm } from "../../db/orm.js";
import { DomainEventRecord } from "../../db/domain-event.entity.js";
import { JobRun } from "../../modules/jobs/job-run.entity.js";
import { OutboxMessage } from "../../modules/mail/outbox-message.entity.js";
import { WebhookDelivery, WebhookDeliveryStatus } from "../../modules/webhooks/webhook-delivery.entity.js";
import { Webhook } from "../../modules/webhooks/webhook.entity.js";
import type { Services } from "../../services.js";
import type { ServerMetrics } from "./metrics.registry.js";

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

/** What the database holds about queued work, read at most once a second however many gauges ask. */
interface Backlog {
  lastPosition: number;
  webhookScannedThrough: number | null;
  webhookPending: number;
  mailPending: number;
  mailFailed: number;
  /** Job runs started in the last day, by job name and status. */
  jobRuns: Map<string, Map<string, number>>;
}

const DAY_MS = 86_400_000;

/** A scrape must answer even when the database does not: the backlog gauges then keep their last values. */
const BACKLOG_TIMEOUT_MS = 2_000;

async function readBacklog(orm: Orm): Promise<Backlog> {
  const em = orm.em.fork();
  const [last, hooks, webhookPending, mailPending, mailFailed, runs] = await Promise.all([
    em.find(DomainEventRecord, {}, { orderBy: { position: "desc" }, fields: ["position"], limit: 1 }).then(([row]) => row),
    em.find(Webhook, { enabled: true }, { fields: ["scannedThrough"] }),
    em.count(WebhookDelivery, { status: WebhookDeliveryStatus.PENDING }),
    em.count(OutboxMessage, { deliveredAt: null, failedAt: null }),
    em.count(OutboxMessage, { failedAt: { $ne: null } }),
    em.find(JobRun, { startedAt: { $gt: new Date(Date.now() - DAY_MS) } }, { fields: ["jobName", "status"] }),
  ]);
  const jobRuns = new Map<string, Map<string, number>>();
  for (const run of runs) {
    const byStatus = jobRuns.get(run.jobName) ?? new Map<string, number>();
    byStatus.set(run.status, (byStatus.get(run.status) ?? 0) + 1);
    jobRuns.set(run.jobName, byStatus);
  }
  return {
    lastPosition: Number(last?.position ?? 0),
    webhookScannedThrough: hooks.length ? Math.min(...hooks.map((h) => Number(h.scannedThrough))) : null,
    webhookPending,
    mailPending,
    mailFailed,
    jobRuns,
  };
}

/**
 * The gauges read at each scrape: the connection pool, the password-hash queue, the WebSocket
 * sockets and subscriptions of this process, and the backlog in the database (the durable
 * events' last position against what the webhooks scanned and this replica's event tail read,
 * pending webhook deliveries, the mail outbox, the day's job runs), which every replica reports alike.
 */
export function registerGauges(metrics: ServerMetrics, services: Services, liveSockets: () => number, warn: (error: unknown) => void): void {
  const { orm } = services;
  const pool = () => (orm.em.getConnection() as unknown as { getKnex(): { client: { pool?: TarnPool } } }).getKnex().client.pool;

  metrics.gauge("deskql_db_pool_connections", "Database connections of this process's pool, by state (used, free).", ["state"], (g) => {
    const p = pool();
    g.set({ state: "used" }, p?.numUsed() ?? 0);
    g.set({ state: "free" }, p?.numFree() ?? 0);
  });
  metrics.gauge("deskql_db_pool_pending_acquires", "Requests waiting for a database connection.", [], (g) => g.set(pool()?.numPendingAcquires() ?? 0));
  metrics.gauge("deskql_db_pool_max", "The pool's size (DATABASE_POOL_MAX; 1 on the embedded database).", [], (g) => g.set(services.config.database.poolMax));

  metrics.gauge("deskql_password_hashes", "Password hashes running, and waiting for a slot (src/modules/auth/hash-slots.ts).", ["state"], (g) => {
    const queue = services.hasher.queue;
    g.set({ state: "running" }, queue.running);
    g.set({ state: "waiting" }, queue.waiting);
  });
  metrics.gauge("deskql_password_hash_slots", "Password hashes that may run at once now (fewer while the API is busy).", [], (g) => g.set(services.hasher.queue.slots));

  metrics.gauge("deskql_websocket_connections", "Open GraphQL subscription sockets on this process.", [], (g) => g.set(liveSockets()));
  metrics.gauge("deskql_graphql_subscriptions", "Active GraphQL subscriptions on this process.", [], (g) => g.set(services.subscriptionHub.subscriberCount));

  let backlog: { at: number; read: Promise<Backlog | null> } | undefined;
  let last: Backlog | null = null;
  const read = () => {
    if (!backlog || Date.now() - backlog.at > 1_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), BACKLOG_TIMEOUT_MS)));
      const reading = readBacklog(orm).then(
        (value) => (last = value),
        (error: unknown) => {
          warn(error);
          return null;
        },
      );
      backlog = { at: Date.now(), read: Promise.race([reading, timeout]).finally(() => clearTimeout(timer)) };
    }
    return backlog.read.then((value) => value ?? last);
  };

  metrics.gauge("deskql_events_last_position", "The last position in the durable events table (the outbox every replica and webhook reads).", [], async (g) => {
    const b = await read();
    if (b) g.set(b.lastPosition);
  });
  metrics.gauge("deskql_event_outbox_lag", "Events committed but not yet read, by reader: webhooks (the enabled webhook furthest behind) and event_tail (this replica).", ["reader"], async (g) => {
    const b = await read();
    if (!b) return;
    g.set({ reader: "webhooks" }, b.webhookScannedThrough === null ? 0 : Math.max(0, b.lastPosition - b.webhookScannedThrough));
    if (services.eventTail) g.set({ reader: "event_tail" }, Math.max(0, b.lastPosition - services.eventTail.lastSeen));
  });
  metrics.gauge("deskql_webhook_deliveries_pending", "Webhook deliveries waiting for their first or next attempt.", [], async (g) => {
    const b = await read();
    if (b) g.set(b.webhookPending);
  });
  metrics.gauge("deskql_mail_outbox_messages", "Messages in the mail outbox, by status: pending (to send or retry) and failed (given up).", ["status"], async (g) => {
    const b = await read();
    if (!b) return;
    g.set({ status: "pending" }, b.mailPending);
    g.set({ status: "failed" }, b.mailFailed);
  });
  metrics.gauge("deskql_job_runs_last_day", "Job runs started in the last 24 hours (src/modules/jobs), by job and status (RUNNING, SUCCEEDED, FAILED).", ["job", "status"], async (g) => {
    const b = await read();
    if (!b) return;
    g.reset();
    for (const [job, byStatus] of b.jobRuns) for (const [status, count] of byStatus) g.set({ job, status }, count);
  });
}
