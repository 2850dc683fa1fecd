import type { CommittedEvent } from "../core/events/catalog.js";
import type { Viewer } from "../core/identity.js";
import type { EventStream } from "../modules/subscriptions/event-stream.js";

/** One subscription of one socket, as the fan-out writes to it. */
export interface SocketSubscription {
  /** The subscription's `next` frame up to its payload, `{"id":"<id>","type":"next","payload":`, as UTF-8. */
  readonly framePrefix: Buffer;
  /** The subscribe message's document, operation name and variables: subscriptions sending the same share executions. */
  readonly operationKey: string;
  /** The subscriber now (a renewed credential replaces it): what its class is decided by. */
  viewer(): Viewer;
  /** Waits out a credential re-check in progress (a promise only then); false once the socket may no longer receive. */
  mayReceive(): boolean | Promise<boolean>;
  /**
   * Writes one text message made of `parts`, after the socket's earlier ones. Undefined when the
   * socket took it at once; else a promise that resolves once the socket can take more.
   */
  write(parts: readonly Buffer[]): Promise<void> | undefined;
  /** The serialized payload of `event` as this subscriber's class sees it (an execution of the operation). */
  execute(event: CommittedEvent, viewer: Viewer): Promise<string>;
}

/** One class's payload of one event: executed once, then written to every socket of the class. */
class ClassPayload {
  /** The serialized result and the frame's closing brace, UTF-8, once executed. */
  bytes: Buffer | undefined;
  /** Why the execution failed, once it has. */
  failure: unknown;
  /** The subscribers waiting for it, called in the order they came once it is there (or failed). */
  waiters: ((bytes: Buffer | undefined, error?: unknown) => void)[] = [];

  constructor(execution: Promise<string>) {
    execution.then(
      (json) => this.settle(Buffer.from(`${json}}`)),
      (error: unknown) => this.settle(undefined, error ?? new Error("the subscription's execution failed")),
    );
  }

  private settle(bytes: Buffer | undefined, error?: unknown): void {
    this.bytes = bytes;
    this.failure = error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter(bytes, error);
  }
}

/**
 * Subscription events executed once per (event, operation, viewer class) and the serialized
 * result written to every socket of that class. graphql-ws alone executes and serializes each
 * event for each subscriber: 1,000 sockets on one ticket cost about 0.19 ms of server CPU per
 * delivery, 190 ms per event (bench/events.ts). The hub (subscription.hub.ts) still decides per
 * subscriber whether it may learn of an event; what is shared is only the result of a selection,
 * which is the same for every viewer of one class (viewerClass).
 *
 * The hub hands an event to each subscriber synchronously (EventStream.consume): the first of a
 * class starts the execution at once, the others queue behind its result, which is then written
 * to all of them in one loop, each socket's frame in one write. No promise is made per delivery
 * unless something is pending for that socket (a credential re-check, a full socket buffer):
 * each promise costs Node 20 an AsyncLocalStorage propagation, and waking a thousand subscribers
 * through promises held the execution's own database answer back by about 3.5 ms.
 *
 * Each subscription's stream, handed to graphql-ws as the result of `subscribe`, never yields:
 * it writes its events itself, one after the other (so in order), each once the socket took the
 * previous one. An error (a subscriber too slow, a failed execution) still ends it through graphql-ws.
 */
export class SubscriptionFanout {
  /** Per event, per operation (its key, one string per subscription), per viewer class. */
  private readonly payloads = new WeakMap<CommittedEvent, Map<string, Map<string, ClassPayload>>>();
  /** Events executed so far (once per event, operation and viewer class), for tests and metrics. */
  executions = 0;

  /** The stream graphql-ws runs for `subscription`: takes `source`'s events and writes each to the socket. */
  deliver(source: EventStream<CommittedEvent>, subscription: SocketSubscription): AsyncIterableIterator<never> {
    return new SocketDelivery(source, (event, finished) => this.deliverOne(event, subscription, finished));
  }

  /** True when done with `event` at once; else false, and `finished` is called once done. */
  private deliverOne(event: CommittedEvent, subscription: SocketSubscription, finished: (error?: unknown) => void): boolean {
    return whenAllowed(subscription, finished, () => {
      const viewer = subscription.viewer();
      const payload = this.payloadFor(event, subscription.operationKey, viewerClass(viewer, event), () => subscription.execute(event, viewer));
      if (payload.bytes) return this.write(subscription, payload.bytes, finished);
      if (payload.failure !== undefined) throw payload.failure; // a subscriber whose earlier events held this one back
      payload.waiters.push((bytes, error) => (bytes ? finishWhenDone(finished, () => this.write(subscription, bytes, finished)) : finished(error)));
      return false;
    });
  }

  private write(subscription: SocketSubscription, bytes: Buffer, finished: (error?: unknown) => void): boolean {
    return whenAllowed(subscription, finished, () => {
      const room = subscription.write([subscription.framePrefix, bytes]);
      if (!room) return true;
      room.then(() => finished(), finished);
      return false;
    });
  }

  /**
   * The first subscriber of a class executes; the others (the same event object, from the hub)
   * share its result. The keys are strings made once (per subscription, per viewer), whose hashes
   * V8 keeps: a key concatenated per delivery was hashed anew each time (1.3 µs of the 3.3 µs the
   * hub spent per subscriber).
   */
  private payloadFor(event: CommittedEvent, operationKey: string, classKey: string, execute: () => Promise<string>): ClassPayload {
    let byOperation = this.payloads.get(event);
    if (!byOperation) this.payloads.set(event, (byOperation = new Map()));
    let byClass = byOperation.get(operationKey);
    if (!byClass) byOperation.set(operationKey, (byClass = new Map()));
    let payload = byClass.get(classKey);
    if (!payload) {
      this.executions++;
      byClass.set(classKey, (payload = new ClassPayload(execute())));
    }
    return payload;
  }
}

/** Runs `then` at once when the subscriber may receive, after a pending re-check when it is one, never when it may not. */
function whenAllowed(subscription: SocketSubscription, finished: (error?: unknown) => void, then: () => boolean): boolean {
  const allowed = subscription.mayReceive();
  if (allowed === true) return then();
  if (allowed === false) return true;
  allowed.then((yes) => (yes ? finishWhenDone(finished, then) : finished()), finished);
  return false;
}

/** A later step: `finished` once `step` says it is done at once (else `step` calls it), or with what it threw. */
function finishWhenDone(finished: (error?: unknown) => void, step: () => boolean): void {
  try {
    if (step()) finished();
  } catch (error) {
    finished(error);
  }
}

/** Each viewer's two class keys, made once (a renewed credential brings a new viewer object). */
const classKeys = new WeakMap<Viewer, { actor: string; other: string }>();

/**
 * What an Event selection's result depends on besides the event and the operation: the inputs of
 * its field rules. The role and an API token's scopes decide every rule (Subscription.*, the
 * actor's email and sign-in record); being the event's actor decides `isSelf` (the actor is the
 * only user an Event reaches, user.rules.ts). Viewers of one class get the same result, so one
 * execution serves them all; a field whose result depended on anything else of the viewer would
 * have to add it here.
 */
export function viewerClass(viewer: Viewer, event: CommittedEvent): string {
  let keys = classKeys.get(viewer);
  if (!keys) {
    const scopes = viewer.scopes ? [...viewer.scopes].sort().join(",") : "session";
    keys = { actor: `${viewer.role}|${scopes}|actor`, other: `${viewer.role}|${scopes}|other` };
    classKeys.set(viewer, keys);
  }
  return event.actorId !== null && event.actorId === viewer.userId ? keys.actor : keys.other;
}

/**
 * What graphql-ws iterates: its `next()` settles only when the subscription ends (the events are
 * written meanwhile by `deliverOne`). A plain iterator, not an async generator, so that `return()`
 * (the client completed, the socket closed) ends it at once (as event-stream.ts explains).
 */
class SocketDelivery implements AsyncIterableIterator<never> {
  private running: Promise<IteratorResult<never>> | undefined;

  constructor(
    private readonly source: EventStream<CommittedEvent>,
    private readonly deliverOne: (event: CommittedEvent, finished: (error?: unknown) => void) => boolean,
  ) {}

  next(): Promise<IteratorResult<never>> {
    this.running ??= this.source.consume(this.deliverOne).then(() => DONE);
    return this.running;
  }

  async return(): Promise<IteratorResult<never>> {
    await this.source.return();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<never>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

const DONE: IteratorResult<never> = { value: undefined, done: true };
