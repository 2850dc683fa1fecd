import { LockMode, type EntityManager } from "@mikro-orm/core";
import type { Logger } from "pino";
import type { Clock } from "../../core/clock.js";
import { WakeableLoop } from "../../core/wakeable-loop.js";
import type { CommittedEvent } from "../../core/events/catalog.js";
import { DomainEventRecord } from "../../db/domain-event.entity.js";
import { fromRecord } from "../../db/event-store.js";
import type { Orm } from "../../db/orm.js";
import { retryDelayMs } from "../mail/mail.backoff.js";
import { enqueueMail } from "../mail/outbox.js";
import { User } from "../users/user.entity.js";
import { UnsafeWebhookUrl, type AddressGuard } from "./webhook.address.js";
import { WebhookDelivery, WebhookDeliveryStatus } from "./webhook-delivery.entity.js";
import { Webhook } from "./webhook.entity.js";
import { postOnce, type AttemptResult } from "./webhook.http.js";
import { webhookDisabledMail } from "./webhook.mail.js";
import { signatureHeader } from "./webhook.signing.js";
import { matchesAny } from "./webhook.subscriptions.js";

export interface WebhookWorkerConfig {
  timeoutMs: number;
  pollIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  retryHours: number;
  disableAfterDays: number;
}

const SCAN_BATCH = 500;
const CLAIM_BATCH = 10;
const DAY_MS = 86_400_000;
const INTERRUPTED = "the attempt was interrupted (its server stopped before the answer was recorded)";

/**
 * Turns committed events into deliveries and attempts them, at least once each:
 * - the scan reads the events table after each webhook's `scannedThrough` position and writes a
 *   delivery per matching event, in one transaction with the cursor's advance (the webhook row
 *   locked, FOR UPDATE SKIP LOCKED on MySQL/MariaDB, so replicas scan different webhooks), so an
 *   event is neither missed across restarts nor queued twice;
 * - due deliveries are claimed (FOR UPDATE SKIP LOCKED, then a lease in `claimedUntil`) so each
 *   attempt happens once across replicas; a claim whose worker died lapses and the delivery is
 *   attempted again;
 * - a failed attempt is retried with exponential backoff and jitter until WEBHOOK_RETRY_HOURS
 *   after the event; an endpoint failing for WEBHOOK_DISABLE_AFTER_DAYS is disabled and its
 *   creator emailed.
 * Committed events wake it (events.onCommitted); a timer covers retries and other replicas'
 * events. Scheduling follows the business clock (tests move it); the signed `webhook-timestamp`
 * is wall time, which receivers compare with their own.
 */
export class WebhookWorker {
  private clock: () => Clock = () => ({ now: () => new Date() });
  private logger: Pick<Logger, "info" | "warn" | "error"> | undefined;
  private readonly loop = new WakeableLoop(
    "deskql.webhook-worker",
    async () => {
      await this.scan();
      await this.deliverDue();
    },
    () => this.nextDelayMs(),
    (error) => this.logger?.error({ err: error }, "webhook worker pass failed"),
  );
  /** Hears each attempt's outcome (the metrics, server/observability); `final`: no retry follows. */
  onAttempt: ((outcome: { delivered: boolean; final: boolean; durationMs: number }) => void) | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly config: WebhookWorkerConfig,
    private readonly guard: AddressGuard,
    /** Row locks with SKIP LOCKED on MySQL/MariaDB; SQLite is one process that serializes writers. */
    private readonly locks: boolean,
    private readonly publicUrl: string,
  ) {}

  start(clock: () => Clock, logger: Pick<Logger, "info" | "warn" | "error">): void {
    this.clock = clock;
    this.logger = logger;
    this.loop.start();
  }

  /** Whether the last scan found no enabled webhook: then only a webhook's own change (or the timer) is worth a pass. */
  private noneEnabled = false;

  /**
   * Committed events (the in-process bus) mean there may be something to scan, unless no webhook
   * is enabled: then each sign-in's commit cost three reads for nothing. Creating, enabling or
   * changing a webhook raises a webhook.* event, here or on another replica, which always wakes it.
   */
  onCommitted = (events: readonly CommittedEvent[]): void => {
    if (this.noneEnabled && !events.some((e) => e.type.startsWith("webhook."))) return;
    this.wake();
  };

  /** Runs a pass now, or right after the one in progress. */
  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Resolves once no pass is running (tests: after wake(), the work it started is done). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  /** The poll interval, or less when a retry falls due sooner. */
  private async nextDelayMs(): Promise<number> {
    let delay = this.config.pollIntervalMs;
    try {
      const [next] = await this.orm.em.fork().find(WebhookDelivery, { status: WebhookDeliveryStatus.PENDING }, { orderBy: { nextAttemptAt: "ASC" }, limit: 1, fields: ["nextAttemptAt"] });
      if (next) delay = Math.min(delay, Math.max(0, next.nextAttemptAt.getTime() - this.clock().now().getTime()));
    } catch {
      // keep the poll interval
    }
    return delay;
  }

  /** Writes deliveries for the events each enabled webhook has not been scanned for yet. */
  async scan(): Promise<number> {
    const hooks = await this.orm.em.fork().find(Webhook, { enabled: true }, { fields: ["id"] });
    this.noneEnabled = hooks.length === 0;
    let queued = 0;
    for (const { id } of hooks) {
      for (;;) {
        const { scanned, created } = await this.scanOne(id);
        queued += created;
        if (scanned < SCAN_BATCH || this.loop.stopped) break;
      }
    }
    return queued;
  }

  private scanOne(webhookId: string): Promise<{ scanned: number; created: number }> {
    return this.orm.em.fork().transactional(async (tx) => {
      const [webhook] = await tx.find(Webhook, { id: webhookId, enabled: true }, this.locks ? { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE } : {});
      if (!webhook) return { scanned: 0, created: 0 }; // another replica holds it, or it is gone
      const records = await tx.find(DomainEventRecord, { position: { $gt: webhook.scannedThrough } }, { orderBy: { position: "ASC" }, limit: SCAN_BATCH });
      if (!records.length) return { scanned: 0, created: 0 };
      const now = this.clock().now();
      const patterns = webhook.events;
      let created = 0;
      for (const record of records) {
        const event = fromRecord(record);
        if (!matchesAny(patterns, event.type)) continue;
        tx.create(WebhookDelivery, { webhook, eventId: event.id, eventType: event.type, eventPosition: event.position, body: deliveryBody(event), nextAttemptAt: now });
        created++;
      }
      webhook.scannedThrough = Number(records.at(-1)!.position);
      await tx.flush();
      return { scanned: records.length, created };
    });
  }

  /** Attempts every delivery due now; returns how many. */
  async deliverDue(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const claimed = await this.claim();
      await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      attempted += claimed.length;
      if (claimed.length < CLAIM_BATCH || this.loop.stopped) return attempted;
    }
  }

  private async claim(): Promise<WebhookDelivery[]> {
    const now = this.clock().now();
    const lease = new Date(now.getTime() + this.config.timeoutMs + 60_000);
    const enabled = (await this.orm.em.fork().find(Webhook, { enabled: true }, { fields: ["id"] })).map((w) => w.id);
    if (!enabled.length) return [];
    const ids = await this.orm.em.fork().transactional(async (tx) => {
      const due = await tx.find(
        WebhookDelivery,
        { status: WebhookDeliveryStatus.PENDING, nextAttemptAt: { $lte: now }, webhook: { $in: enabled }, $or: [{ claimedUntil: null }, { claimedUntil: { $lt: now } }] },
        { orderBy: { nextAttemptAt: "ASC", id: "ASC" }, limit: CLAIM_BATCH, fields: ["id", "attempts", "claimedUntil"], ...(this.locks ? { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE } : {}) },
      );
      // A lapsed claim is an attempt whose worker died before recording it (killed mid-request):
      // it is counted, so the log shows as many attempts as the endpoint may have seen.
      for (const d of due.filter((d) => d.claimedUntil !== null)) {
        await tx.nativeUpdate(WebhookDelivery, { id: d.id }, { attempts: d.attempts + 1, error: INTERRUPTED });
      }
      const ids = due.map((d) => d.id);
      if (ids.length) await tx.nativeUpdate(WebhookDelivery, { id: { $in: ids } }, { claimedUntil: lease });
      return ids;
    });
    if (!ids.length) return [];
    return this.orm.em.fork().find(WebhookDelivery, { id: { $in: ids } }, { populate: ["webhook"] });
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const webhook = delivery.webhook.getEntity();
    const now = this.clock().now();
    let result: AttemptResult;
    try {
      const target = await this.guard.check(webhook.url);
      const timestamp = Math.floor(Date.now() / 1000);
      const secrets = [webhook.secret];
      if (webhook.previousSecret && webhook.previousSecretExpiresAt && webhook.previousSecretExpiresAt > now) secrets.push(webhook.previousSecret);
      const headers = {
        "webhook-id": delivery.eventId,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signatureHeader(secrets, delivery.eventId, timestamp, delivery.body),
      };
      result = await postOnce(target, headers, delivery.body, this.config.timeoutMs);
    } catch (error) {
      const reason = error instanceof UnsafeWebhookUrl ? `refused: the URL ${error.message}` : error instanceof Error ? error.message : String(error);
      result = { status: null, body: null, durationMs: 0, error: reason.slice(0, 500) };
    }
    await this.record(delivery, webhook, result, now);
  }

  private async record(delivery: WebhookDelivery, webhook: Webhook, result: AttemptResult, startedAt: Date): Promise<void> {
    const em = this.orm.em.fork();
    const now = this.clock().now();
    const attempts = delivery.attempts + 1;
    const delivered = result.error === null;
    const expired = now.getTime() - delivery.createdAt.getTime() >= this.config.retryHours * 3_600_000;
    const outcome = {
      attempts,
      lastAttemptAt: startedAt,
      responseStatus: result.status,
      durationMs: result.durationMs,
      responseBody: result.body,
      error: result.error,
      claimedUntil: null,
      ...(delivered
        ? { status: WebhookDeliveryStatus.DELIVERED, deliveredAt: now }
        : expired
          ? { status: WebhookDeliveryStatus.FAILED }
          : { nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts, this.config.retryBaseMs, this.config.retryMaxMs)) }),
    };
    // Only while the claim is ours: a redelivery or another worker after a lapsed lease wins.
    await em.nativeUpdate(WebhookDelivery, { id: delivery.id, claimedUntil: delivery.claimedUntil }, outcome);
    this.onAttempt?.({ delivered, final: delivered || expired, durationMs: result.durationMs });
    const log = { webhookId: webhook.id, deliveryId: delivery.id, eventId: delivery.eventId, attempts, status: result.status };
    if (delivered) {
      if (webhook.failingSince) await em.nativeUpdate(Webhook, { id: webhook.id }, { failingSince: null });
      this.logger?.info(log, "webhook delivered");
      return;
    }
    this.logger?.warn({ ...log, error: result.error }, expired ? "webhook delivery failed for good" : "webhook delivery failed; will retry");
    if (!webhook.failingSince) await em.nativeUpdate(Webhook, { id: webhook.id, failingSince: null }, { failingSince: now });
    else if (now.getTime() - webhook.failingSince.getTime() >= this.config.disableAfterDays * DAY_MS) await this.disable(webhook, now);
  }

  /** Disables a failing endpoint and emails its creator, once across replicas (the conditional update decides). */
  private async disable(webhook: Webhook, now: Date): Promise<void> {
    await this.orm.em.fork().transactional(async (tx: EntityManager) => {
      if ((await tx.nativeUpdate(Webhook, { id: webhook.id, enabled: true }, { enabled: false, disabledAt: now })) !== 1) return;
      const creator = await tx.findOne(User, { id: webhook.createdBy.id });
      if (creator) enqueueMail(tx, { to: creator.email, kind: "WEBHOOK_DISABLED", ...webhookDisabledMail(webhook, this.config.disableAfterDays, this.publicUrl) }, now);
      this.logger?.warn({ webhookId: webhook.id, url: webhook.url }, "webhook disabled after failing");
    });
  }
}

/** The Standard Webhooks body: {type, timestamp, data}, data being the event as the feed shows it. */
export function deliveryBody(event: CommittedEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data: {
      id: event.id,
      position: event.position,
      occurredAt: event.occurredAt.toISOString(),
      actorId: event.actorId,
      target: event.target,
      ticketId: event.refs.ticketId ?? null,
      issueId: event.refs.issueId ?? null,
      projectId: event.refs.projectId ?? null,
      payload: typeof event.payload === "string" ? JSON.parse(event.payload) : event.payload,
    },
  });
}
