import type { CommittedEvent } from "../../core/events/catalog.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { WebhookWorker } from "../../modules/webhooks/webhook.worker.js";
import type { ServerMetrics } from "./metrics.registry.js";

/**
 * Counters fed by what the domain already announces: sign-ins and lockouts are events this
 * process committed (events.onCommitted, so each replica counts its own), webhook attempts are
 * reported by the worker. No counting calls in the services.
 */
export function countDomainEvents(metrics: ServerMetrics, events: DomainEvents, webhookWorker: WebhookWorker): void {
  events.onCommitted((committed: readonly CommittedEvent[]) => {
    for (const event of committed) {
      if (event.type === "login.succeeded") {
        const { method } = (event as CommittedEvent<"login.succeeded">).payload as { method?: string };
        metrics.signIns.inc({ outcome: "succeeded", method: String(method ?? "password").slice(0, 32) });
      } else if (event.type === "login.failed") {
        const { reason } = (event as CommittedEvent<"login.failed">).payload as { reason?: string };
        metrics.signIns.inc({ outcome: String(reason ?? "failed").slice(0, 32), method: "password" });
      } else if (event.type === "account.locked") {
        metrics.lockouts.inc();
      }
    }
  });
  webhookWorker.onAttempt = ({ delivered, final, durationMs }) => {
    metrics.webhookAttempts.inc({ outcome: delivered ? "delivered" : final ? "failed" : "retrying" });
    if (durationMs > 0) metrics.webhookDuration.observe(durationMs / 1000);
  };
}
