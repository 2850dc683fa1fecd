import type { CommittedEvent } from "../core/events/catalog.js";
import type { Viewer } from "../core/identity.js";

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
  /** Writes one text message made of `parts`; resolves once the socket took it (a socket's writes go out in order). */
  write(parts: readonly Buffer[]): Promise<void>;
  /** The serialized payload of `event` as this subscriber's class sees it (an execution of the operation). */
  execute(event: CommittedEvent, viewer: Viewer): Promise<string>;
}

/**
 * Subscription events executed once per (event, operation, viewer class) and the serialized
 * result written to every socket of that class. graphql-ws alone executes and serializes each
 * event for each subscriber: 1,000 sockets on one ticket cost about 0.19 ms of server CPU per
 * delivery, 190 ms per event (bench/events.ts). The hub (subscription.hub.ts) still decides per
 * subscriber whether it may learn of an event; what is shared is only the result of a selection,
 * which is the same for every viewer of one class (viewerClass).
 *
 * Each subscription's stream, handed to graphql-ws as the result of `subscribe`, never yields:
 * it writes its events itself, one after the other (so in order), each once the previous one
 * was taken by the socket. An error (a subscriber too slow) still ends it through graphql-ws.
 */
export class SubscriptionFanout {
  /** Per event, each class's payload: its serialized result and the frame's closing brace, encoded once; a promise until executed. */
  private readonly payloads = new WeakMap<CommittedEvent, Map<string, Buffer | Promise<Buffer>>>();
  /** Events executed so far (once per event, operation and viewer class), for tests and metrics. */
  executions = 0;

  /** The stream graphql-ws runs for `subscription`: reads `source` and writes each event to the socket. */
  deliver(source: AsyncIterable<unknown>, subscription: SocketSubscription): AsyncIterableIterator<never> {
    return new SocketDelivery(source[Symbol.asyncIterator](), (event) => this.deliverOne(event as CommittedEvent, subscription));
  }

  /**
   * Waits only for what is pending: the first subscriber of a class starts its execution as soon
   * as the hub hands it the event, not after every other subscriber has woken, and the others
   * write as soon as the payload is there (bench/events.ts: executions began about 2 ms after
   * the commit at 1,000 sockets when each step was awaited).
   */
  private deliverOne(event: CommittedEvent, subscription: SocketSubscription): Promise<void> | undefined {
    return whenAllowed(subscription.mayReceive(), () => {
      const viewer = subscription.viewer();
      const payload = this.payloadFor(event, `${subscription.operationKey}\u0000${viewerClass(viewer, event)}`, () => subscription.execute(event, viewer));
      const write = (bytes: Buffer) => whenAllowed(subscription.mayReceive(), () => subscription.write([subscription.framePrefix, bytes]));
      return payload instanceof Promise ? payload.then(write) : write(payload);
    });
  }

  /** The first subscriber of a class executes; the others (the same event object, from the hub) share its result. */
  private payloadFor(event: CommittedEvent, key: string, execute: () => Promise<string>): Buffer | Promise<Buffer> {
    let byClass = this.payloads.get(event);
    if (!byClass) this.payloads.set(event, (byClass = new Map()));
    let payload = byClass.get(key);
    if (!payload) {
      this.executions++;
      const encoded = execute().then((json) => Buffer.from(`${json}}`));
      byClass.set(key, (payload = encoded));
      encoded.then((bytes) => byClass.set(key, bytes), () => undefined);
    }
    return payload;
  }
}

/** Runs `then` at once when `allowed` is true, after it when it is a promise that resolves true; never when false. */
function whenAllowed(allowed: boolean | Promise<boolean>, then: () => Promise<void> | undefined): Promise<void> | undefined {
  if (allowed === true) return then();
  if (allowed === false) return undefined;
  return allowed.then((yes) => (yes ? then() : undefined));
}

const scopeKeys = new WeakMap<readonly string[], string>();

/**
 * What an Event selection's result depends on besides the event and the operation: the inputs of
 * its field rules. The role and an API token's scopes decide every rule (Subscription.*, the
 * actor's email and sign-in record); being the event's actor decides `isSelf` (the actor is the
 * only user an Event reaches, user.rules.ts). Viewers of one class get the same result, so one
 * execution serves them all; a field whose result depended on anything else of the viewer would
 * have to add it here.
 */
export function viewerClass(viewer: Viewer, event: CommittedEvent): string {
  let scopes = "session";
  if (viewer.scopes) {
    scopes = scopeKeys.get(viewer.scopes) ?? [...viewer.scopes].sort().join(",");
    scopeKeys.set(viewer.scopes, scopes);
  }
  return `${viewer.role}|${scopes}|${event.actorId !== null && event.actorId === viewer.userId ? "actor" : "other"}`;
}

/**
 * A plain iterator, not an async generator, so that `return()` (the client completed, the socket
 * closed) ends it at once while `next()` waits for an event (as event-stream.ts explains).
 */
class SocketDelivery implements AsyncIterableIterator<never> {
  private ended = false;

  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly deliverOne: (event: unknown) => Promise<void> | undefined,
  ) {}

  async next(): Promise<IteratorResult<never>> {
    for (;;) {
      const result = await this.source.next();
      if (result.done || this.ended) return { value: undefined, done: true };
      await this.deliverOne(result.value);
    }
  }

  async return(): Promise<IteratorResult<never>> {
    this.ended = true;
    await this.source.return?.();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<never>> {
    this.ended = true;
    await this.source.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
