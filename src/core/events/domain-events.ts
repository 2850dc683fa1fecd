import type { EntityManager } from "@mikro-orm/core";
import { v7 as uuidv7 } from "uuid";
import { ServiceUnavailableError } from "../errors.js";
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

/**
 * The longest a transaction may stay open. Past it, `abort` closes the transaction's connection
 * (the server rolls it back: nothing commits after the client was answered) and the caller gets
 * SERVICE_UNAVAILABLE at once (db/session-limits.ts provides `abort`).
 */
export interface TransactionDeadline {
  timeoutMs: number;
  retryAfterSeconds: number;
  abort(tx: EntityManager): void;
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
  private readonly replicatedListeners = new Set<CommitListener>();
  /** The events raised so far in each open transaction, by its EntityManager. */
  private readonly pending = new WeakMap<EntityManager, DomainEvent[]>();
  log: EventLog | undefined;
  deadline: TransactionDeadline | undefined;

  constructor(private readonly store: EventStore) {}

  /** Subscribes `handler` to events of the given types (or "*": every event), inside their transactions. */
  subscribe<K extends EventType>(types: K | readonly K[] | "*", handler: Subscriber<K>): void {
    for (const type of typeof types === "string" ? [types] : types) {
      const list = this.subscribers.get(type) ?? [];
      list.push(handler as unknown as Subscriber);
      this.subscribers.set(type, list);
    }
  }

  /** Listens to events this process committed, at once; returns the function that stops listening. */
  onCommitted(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Listens to events OTHER processes committed (other replicas, operator commands), as the
   * event tail (db/event-tail.ts) reads them from the events table, in position order. With
   * onCommitted a listener hears every event once; there is no tail on the embedded database.
   */
  onReplicated(listener: CommitListener): () => void {
    this.replicatedListeners.add(listener);
    return () => this.replicatedListeners.delete(listener);
  }

  /** Called by the event tail with what other processes committed. */
  announceReplicated(events: readonly CommittedEvent[]): void {
    if (events.length) this.notify(this.replicatedListeners, events);
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
    const deadline = this.deadline;
    let open: EntityManager | undefined;
    let committing = false;
    let expired: ServiceUnavailableError | undefined;
    const run = scope.em.transactional(async (em) => {
      const events: DomainEvent[] = [];
      committed = [];
      open = em;
      this.pending.set(em, events);
      try {
        const value = await work(withEntityManager(scope, em));
        await em.flush();
        if (events.length) committed = await this.store.append(em, events);
        if (expired) throw expired; // past the deadline: roll back rather than commit what the client was told failed
        committing = true;
        return value;
      } finally {
        this.pending.delete(em);
      }
    });
    const result = deadline ? await this.withinDeadline(run, deadline, () => {
      expired = new ServiceUnavailableError(committing ? "outcome_unknown" : "timeout", deadline.retryAfterSeconds);
      if (open) deadline.abort(open);
      // A commit already on its way may still succeed: what committed is announced all the same.
      run.then(() => committed.length && this.announce(committed), () => {});
      return expired;
    }) : await run;
    if (committed.length) this.announce(committed);
    return result;
  }

  /** `run`'s result, or the error `expire` returns once the deadline passes (`run` then settles on its own). */
  private withinDeadline<T>(run: Promise<T>, deadline: TransactionDeadline, expire: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(expire());
      }, deadline.timeoutMs);
      run.then(
        (value) => {
          clearTimeout(timer);
          if (!late) resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!late) reject(error);
        },
      );
    });
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
    this.notify(this.listeners, events);
  }

  private notify(listeners: Set<CommitListener>, events: readonly CommittedEvent[]): void {
    for (const listener of listeners) {
      try {
        listener(events);
      } catch (error) {
        this.log?.error({ err: error, positions: events.map((e) => e.position) }, "a commit listener failed");
      }
    }
  }
}
