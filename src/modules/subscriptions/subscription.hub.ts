import { growingLru } from "../../core/growing-lru.js";
import type { CommittedEvent } from "../../core/events/catalog.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { Orm } from "../../db/orm.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { EventStream } from "./event-stream.js";

/** Where a subscriber listens: one ticket's events, the desk's, or the tickets one user requested. */
export type Channel = { kind: "ticket"; ticketId: string } | { kind: "desk" } | { kind: "requester"; userId: string };

/** Whether a subscriber receives an event; `requesterId` is the requester of the event's ticket when the channel needs it. */
export type EventFilter = (event: CommittedEvent, requesterId: string | null) => boolean;

interface Subscriber {
  accepts: EventFilter;
  stream: EventStream<CommittedEvent>;
}

export interface HubLog {
  error(details: object, message: string): void;
}

/** Events one subscriber may have waiting before it is ended as too slow (event-stream.ts). */
const STREAM_CAPACITY = 1_000;

/**
 * The in-process fan-out of committed events to GraphQL subscriptions. It hears what this
 * process committed (`events.onCommitted`) and what other replicas committed (`onReplicated`,
 * fed by the event tail, db/event-tail.ts, which reads the durable events table on a poll and at
 * once on a Redis message), and hands each event to the subscribers of its channel whose filter
 * (the viewer's visibility, event.access.ts) accepts it. Batches are dispatched one after the
 * other, so each subscriber receives events in the order they were heard.
 *
 * A customer's "my tickets" channel needs each event's ticket requester: it comes from the event
 * when it carries it (ticket.created, comment.added), else from a cache (a ticket's requester never
 * changes), else from one query per batch, and only while someone listens on such a channel.
 */
export class SubscriptionHub {
  private readonly tickets = new Map<string, Set<Subscriber>>();
  private readonly requesters = new Map<string, Set<Subscriber>>();
  private readonly desk = new Set<Subscriber>();
  private readonly requesterOf = growingLru<string, string>(50_000);
  /**
   * Positions dispatched lately. An event can be heard twice: the event tail may read a row this
   * process committed before the commit's own callback has marked it as local, and then relay it
   * as another replica's (seen under load: one comment delivered twice to 100 sockets).
   */
  private readonly dispatched = growingLru<number, true>(10_000);
  private dispatching: Promise<void> = Promise.resolve();
  log: HubLog | undefined;

  constructor(private readonly orm: Orm) {}

  /** Starts hearing committed events; returns the function that stops it. */
  listen(events: DomainEvents): () => void {
    const hear = (batch: readonly CommittedEvent[]) => this.receive(batch);
    const local = events.onCommitted(hear);
    const replicated = events.onReplicated(hear);
    return () => {
      local();
      replicated();
    };
  }

  /** A new subscriber's stream; returning (or failing) it unsubscribes. */
  subscribe(channel: Channel, accepts: EventFilter): EventStream<CommittedEvent> {
    const set = this.setOf(channel, true)!;
    const subscriber: Subscriber = {
      accepts,
      stream: new EventStream<CommittedEvent>(STREAM_CAPACITY, () => {
        set.delete(subscriber);
        if (!set.size && channel.kind !== "desk") this.forget(channel);
      }),
    };
    set.add(subscriber);
    return subscriber.stream;
  }

  /** How many subscribers listen, for tests and metrics. */
  get subscriberCount(): number {
    let count = this.desk.size;
    for (const set of this.tickets.values()) count += set.size;
    for (const set of this.requesters.values()) count += set.size;
    return count;
  }

  /** Takes a batch as it is heard (the bus calls listeners synchronously); dispatched in turn. */
  receive(batch: readonly CommittedEvent[]): void {
    if (!this.subscriberCount) return;
    const fresh = batch.filter((event) => !this.dispatched.has(event.position));
    if (!fresh.length) return;
    for (const event of fresh) this.dispatched.set(event.position, true);
    const events = fresh.map(withParsedPayload);
    this.dispatching = this.dispatching
      .then(() => this.dispatch(events))
      .catch((error: unknown) => this.log?.error({ err: error, positions: events.map((e) => e.position) }, "could not hand committed events to subscriptions"));
  }

  private async dispatch(events: readonly CommittedEvent[]): Promise<void> {
    for (const event of events) this.learnRequester(event);
    const requesters = this.requesters.size ? await this.lookUpRequesters(events) : undefined;
    for (const event of events) {
      const ticketId = event.refs.ticketId ?? null;
      const requesterId = ticketId ? (requesters?.get(ticketId) ?? this.requesterOf.get(ticketId) ?? null) : null;
      if (ticketId) this.offer(this.tickets.get(ticketId), event, requesterId);
      this.offer(this.desk, event, requesterId);
      if (requesterId) this.offer(this.requesters.get(requesterId), event, requesterId);
    }
  }

  private offer(subscribers: Set<Subscriber> | undefined, event: CommittedEvent, requesterId: string | null): void {
    if (!subscribers) return;
    // A Set visits what is deleted meanwhile (a stream that ends as it is handed an event) no more, and no copy is made per event.
    for (const subscriber of subscribers) {
      try {
        if (subscriber.accepts(event, requesterId)) subscriber.stream.push(event);
      } catch (error) {
        subscriber.stream.fail(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  /** The events' ticket requesters that are not known yet, read in one query. */
  private async lookUpRequesters(events: readonly CommittedEvent[]): Promise<Map<string, string>> {
    const unknown = [...new Set(events.map((e) => e.refs.ticketId).filter((id): id is string => !!id && !this.requesterOf.has(id)))];
    const found = new Map<string, string>();
    if (!unknown.length) return found;
    const rows = await this.orm.em.fork().find(Ticket, { id: { $in: unknown } }, { fields: ["id", "requester"] });
    for (const row of rows) {
      found.set(row.id, row.requester.id);
      this.requesterOf.set(row.id, row.requester.id);
    }
    return found;
  }

  private learnRequester(event: CommittedEvent): void {
    const ticketId = event.refs.ticketId;
    if (!ticketId) return;
    const payload = event.payload as { requesterId?: unknown; ticket?: { requesterId?: unknown } };
    const requesterId = event.type === "ticket.created" ? payload.requesterId : payload.ticket?.requesterId;
    if (typeof requesterId === "string") this.requesterOf.set(ticketId, requesterId);
  }

  private setOf(channel: Channel, create: boolean): Set<Subscriber> | undefined {
    if (channel.kind === "desk") return this.desk;
    const [map, key] = channel.kind === "ticket" ? [this.tickets, channel.ticketId] : [this.requesters, channel.userId];
    let set = map.get(key);
    if (!set && create) map.set(key, (set = new Set()));
    return set;
  }

  private forget(channel: Channel): void {
    if (channel.kind === "ticket") this.tickets.delete(channel.ticketId);
    else if (channel.kind === "requester") this.requesters.delete(channel.userId);
  }
}

/** Events read back from the table on MariaDB carry their payload as JSON text (the event tail's, for one). */
function withParsedPayload(event: CommittedEvent): CommittedEvent {
  return typeof event.payload === "string" ? { ...event, payload: JSON.parse(event.payload) as CommittedEvent["payload"] } : event;
}
