import type { FilterQuery } from "@mikro-orm/core";
import { v7 as uuidv7 } from "uuid";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { BadUserInputError, NotFoundError } from "../../core/errors.js";
import type { Connection, PageRequest } from "../../core/paging.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { Counter } from "../../db/counter.entity.js";
import { EVENT_POSITION_COUNTER } from "../../db/event-store.js";
import { paginate } from "../../db/pagination.js";
import { User } from "../users/user.entity.js";
import { UnsafeWebhookUrl, type AddressGuard } from "./webhook.address.js";
import { WebhookDelivery, WebhookDeliveryStatus } from "./webhook-delivery.entity.js";
import { Webhook } from "./webhook.entity.js";
import { newWebhookSecret } from "./webhook.signing.js";
import { parseEventPatterns } from "./webhook.subscriptions.js";

export interface WebhookInput {
  url?: string | null;
  events?: string[] | null;
  description?: string | null;
  enabled?: boolean | null;
}

export interface DeliveryFilter {
  status?: WebhookDeliveryStatus | null;
  eventType?: string | null;
}

/** A webhook and its signing secret, shown this once. */
export interface WebhookWithSecret {
  webhook: Webhook;
  secret: string;
}

/**
 * Webhook administration (admins; API tokens with the webhooks scope): endpoints, their secrets
 * and their delivery log. The deliveries themselves are the worker's (webhook.worker.ts).
 */
export class WebhookService {
  constructor(
    private readonly config: { secretGraceHours: number },
    private readonly guard: AddressGuard,
    /** Tells the delivery worker that a delivery is due now (ping, redelivery, re-enabled endpoint). */
    private readonly wake: () => void,
    private readonly events: DomainEvents,
  ) {}

  list(scope: RequestScope): Promise<Webhook[]> {
    return scope.em.find(Webhook, {}, { orderBy: { createdAt: "ASC", id: "ASC" } });
  }

  async create(scope: RequestScope, input: WebhookInput): Promise<WebhookWithSecret> {
    const viewer = requireViewer(scope);
    const url = await this.checkedUrl(input.url ?? "", "input.url");
    const events = parseEventPatterns(input.events ?? [], "input.events");
    const secret = newWebhookSecret();
    const webhook = await this.events.transaction(scope, async (tx) => {
      // It hears what happens from now on: the scan starts after the last position handed out.
      const counter = await tx.em.findOne(Counter, { name: EVENT_POSITION_COUNTER });
      const created = tx.em.create(Webhook, {
        url,
        storedEvents: events.join(" "),
        description: description(input.description),
        secret,
        scannedThrough: Number(counter?.value ?? 0),
        createdBy: tx.em.getReference(User, viewer.userId),
      });
      await tx.em.flush();
      await this.events.raise(tx, { type: "webhook.created", target: { type: "Webhook", id: created.id }, refs: { userId: viewer.userId }, visibility: "ADMIN", payload: { url, events } });
      return created;
    });
    return { webhook, secret };
  }

  async update(scope: RequestScope, id: string, input: WebhookInput): Promise<Webhook> {
    const url = input.url != null ? await this.checkedUrl(input.url, "input.url") : undefined;
    const patterns = input.events != null ? parseEventPatterns(input.events, "input.events").join(" ") : undefined;
    const webhook = await this.events.transaction(scope, async (tx) => {
      const found = await this.get(tx, id);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const change = <K extends "url" | "storedEvents" | "description" | "enabled">(field: K, to: Webhook[K] | undefined) => {
        if (to === undefined || to === found[field]) return;
        changes[field === "storedEvents" ? "events" : field] = { from: found[field], to };
        found[field] = to;
      };
      change("url", url);
      change("storedEvents", patterns);
      change("description", input.description != null ? description(input.description) : undefined);
      if (input.enabled != null && input.enabled !== found.enabled) {
        change("enabled", input.enabled);
        found.disabledAt = input.enabled ? null : tx.clock.now();
        found.failingSince = null;
      }
      if (!Object.keys(changes).length) return found;
      await tx.em.flush();
      await this.events.raise(tx, { type: "webhook.updated", target: { type: "Webhook", id: found.id }, visibility: "ADMIN", payload: { changes } });
      return found;
    });
    if (webhook.enabled) this.wake();
    return webhook;
  }

  async delete(scope: RequestScope, id: string): Promise<string> {
    await this.events.transaction(scope, async (tx) => {
      const webhook = await this.get(tx, id);
      await tx.em.nativeDelete(WebhookDelivery, { webhook: webhook.id });
      await tx.em.remove(webhook).flush();
      await this.events.raise(tx, { type: "webhook.deleted", target: { type: "Webhook", id }, visibility: "ADMIN", payload: { url: webhook.url } });
    });
    return id;
  }

  /** A new secret; the old one keeps signing (a second signature) for WEBHOOK_SECRET_GRACE_HOURS. */
  async rotateSecret(scope: RequestScope, id: string): Promise<WebhookWithSecret> {
    const secret = newWebhookSecret();
    const grace = this.config.secretGraceHours * 3_600_000;
    const webhook = await this.events.transaction(scope, async (tx) => {
      const found = await this.get(tx, id);
      found.previousSecret = grace ? found.secret : null;
      found.previousSecretExpiresAt = grace ? new Date(tx.clock.now().getTime() + grace) : null;
      found.secret = secret;
      await tx.em.flush();
      const previousSecretExpiresAt = found.previousSecretExpiresAt?.toISOString() ?? null;
      await this.events.raise(tx, { type: "webhook.secret_rotated", target: { type: "Webhook", id: found.id }, visibility: "ADMIN", payload: { previousSecretExpiresAt } });
      return found;
    });
    return { webhook, secret };
  }

  /** Queues a `webhook.ping` delivery, attempted at once like any other. */
  async ping(scope: RequestScope, id: string): Promise<WebhookDelivery> {
    const webhook = await this.get(scope, id);
    const now = scope.clock.now();
    const eventId = uuidv7();
    const delivery = scope.em.create(WebhookDelivery, {
      webhook,
      eventId,
      eventType: "webhook.ping",
      eventPosition: null,
      body: JSON.stringify({ type: "webhook.ping", timestamp: now.toISOString(), data: { webhookId: webhook.id } }),
      nextAttemptAt: now,
    });
    await scope.em.flush();
    this.wake();
    return delivery;
  }

  /** Attempts a delivery again now, whatever became of it (same webhook-id and body). */
  async redeliver(scope: RequestScope, deliveryId: string): Promise<WebhookDelivery> {
    const delivery = await scope.em.findOne(WebhookDelivery, { id: deliveryId });
    if (!delivery) throw new NotFoundError("Webhook delivery", deliveryId);
    delivery.status = WebhookDeliveryStatus.PENDING;
    delivery.nextAttemptAt = scope.clock.now();
    delivery.claimedUntil = null;
    await scope.em.flush();
    this.wake();
    return delivery;
  }

  async deliveries(scope: RequestScope, webhookId: string, filter: DeliveryFilter | null | undefined, page: PageRequest): Promise<Connection<WebhookDelivery>> {
    await this.get(scope, webhookId);
    const where: FilterQuery<WebhookDelivery> = { webhook: webhookId };
    if (filter?.status) where.status = filter.status;
    if (filter?.eventType) where.eventType = filter.eventType;
    return paginate(scope.em, WebhookDelivery, where, { field: "createdAt", direction: "DESC" }, page);
  }

  private async get(scope: RequestScope, id: string): Promise<Webhook> {
    const webhook = await scope.em.findOne(Webhook, { id });
    if (!webhook) throw new NotFoundError("Webhook", id);
    return webhook;
  }

  private async checkedUrl(url: string, field: string): Promise<string> {
    try {
      await this.guard.check(url.trim());
    } catch (error) {
      if (error instanceof UnsafeWebhookUrl) throw new BadUserInputError(`The webhook URL ${error.message}.`, field);
      throw error;
    }
    return url.trim();
  }
}

function description(text: string | null | undefined): string {
  const value = (text ?? "").trim();
  if (value.length > 500) throw new BadUserInputError("The description may have at most 500 characters.", "input.description");
  return value;
}
