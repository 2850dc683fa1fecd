import type { EntityManager } from "@mikro-orm/core";
import { v7 as uuidv7 } from "uuid";
import { withEntityManager, type RequestScope } from "../scope.js";
import type { CommittedEvent, DomainEvent, EventType, NewEvent } from "./catalog.js";

/** A subscriber runs inside the raising transaction: its writes commit or roll back with the change. */
export type Subscriber<K extends EventType = EventType> = (scope: RequestScope, event: DomainEvent<K>) => void | Promise<void>;

/** Hears committed events, in position order, after their transaction committed (the in-process bus). */
export type CommitListener = (events: readonly CommittedEvent[]) => void;

/** Writes a transaction's events to the durable, ordered table (db/event-store.ts), inside that transaction. */
export interface EventStore {
  append(tx: EntityManager, events: readonly DomainEvent[]): Promise<CommittedEvent[]>;
}

export interface EventLog {
  error(details: object, message: string): void;
}

/**
 * Domain events: services raise them inside a transaction opened with `transaction()`;
 * subscribers (audit, mail, a ticket's reaction to a reply) hear each at once, in the same
 * transaction; the transaction's events are then written to the durable events table, whose
 * position orders them as they committed (the outbox that feeds webhooks, subscriptions and
 * other replicas); after the commit, commit listeners hear them in process. A rolled-back
 * transaction leaves no event and none of its subscribers' writes, and announces nothing.
 */
export class DomainEvents {
  private readonly subscribers = new Map<EventType | "*", Subscriber[]>();
  private readonly listeners = new Set<CommitListener>();
  /** The events raised so far in each open transaction, by its EntityManager. */
  private readonly pending = new WeakMap<EntityManager, DomainEvent[]>();
  log: EventLog | undefined;

  constructor(private readonly store: EventStore) {}

  /** Subscribes `handler` to events of the given types (or "*": every event), inside their transactions. */
  subscribe<K extends EventType>(types: K | readonly K[] | "*", handler: Subscriber<K>): void {
    for (const type of typeof types === "string" ? [types] : types) {
      const list = this.subscribers.get(type) ?? [];
      list.push(handler as unknown as Subscriber);
      this.subscribers.set(type, list);
    }
  }

  /** Listens to committed events; returns the function that stops listening. */
  onCommitted(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `work` in a transaction on the scope's EntityManager and hands it the scope of that
   * transaction. Inside one of ours already, `work` joins it; inside a plain em.transactional()
   * it throws. Returns once committed.
   */
  async transaction<S extends RequestScope, T>(scope: S, work: (tx: S) => Promise<T>): Promise<T> {
    if (this.pending.has(scope.em)) return work(scope);
    // Inside a plain em.transactional() ours would be a savepoint: announced on its release,
    // before the real commit, and heard even if the enclosing transaction then rolls back.
    if (scope.em.isInTransaction()) {
      throw new Error("DomainEvents.transaction() was called inside a transaction it did not open; open the enclosing one with DomainEvents.transaction() so its events are announced after the real commit.");
    }
    let committed: CommittedEvent[] = [];
    const result = await scope.em.transactional(async (em) => {
      const events: DomainEvent[] = [];
      committed = [];
      this.pending.set(em, events);
      try {
        const value = await work(withEntityManager(scope, em));
        await em.flush();
        if (events.length) committed = await this.store.append(em, events);
        return value;
      } finally {
        this.pending.delete(em);
      }
    });
    if (committed.length) this.announce(committed);
    return result;
  }

  /**
   * Raises an event in the scope's open transaction: it is recorded for the events table and
   * every subscriber to its type runs now, in the order they subscribed.
   */
  async raise<K extends EventType>(scope: RequestScope, event: NewEvent<K>): Promise<DomainEvent<K>> {
    const pending = this.pending.get(scope.em);
    if (!pending) throw new Error(`The ${event.type} event was raised outside a transaction opened with DomainEvents.transaction().`);
    const raised: DomainEvent<K> = {
      id: uuidv7(),
      type: event.type,
      occurredAt: scope.clock.now(),
      actorId: event.actorId !== undefined ? event.actorId : (scope.viewer?.userId ?? null),
      target: event.target,
      // Every ref present (null when none), as the events table reads back.
      refs: { ticketId: null, issueId: null, projectId: null, userId: null, ...event.refs },
      visibility: event.visibility,
      payload: event.payload,
      requestId: scope.request.requestId,
    };
    pending.push(raised as DomainEvent);
    // Subscribers to every event (the audit trail) first: a cause is recorded before the events its reactions raise.
    for (const handler of this.subscribers.get("*") ?? []) await handler(scope, raised as DomainEvent);
    for (const handler of this.subscribers.get(event.type) ?? []) await handler(scope, raised as DomainEvent);
    return raised;
  }

  /** Whether the scope is inside a transaction that events can be raised in. */
  inTransaction(scope: Pick<RequestScope, "em">): boolean {
    return this.pending.has(scope.em);
  }

  private announce(events: readonly CommittedEvent[]): void {
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        this.log?.error({ err: error, positions: events.map((e) => e.position) }, "a commit listener failed");
      }
    }
  }
}
