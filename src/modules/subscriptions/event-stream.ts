import { AppError } from "../../core/errors.js";

/**
 * One subscriber's queue of events: the hub pushes, GraphQL pulls. A plain iterator, not an
 * async generator, so `return()` (the client completed, the socket closed) ends it at once even
 * while a `next()` waits; an async generator would queue the return behind that wait, and an
 * idle subscription would never leave the hub.
 *
 * Or a consumer takes each event as it is pushed, synchronously (`consume`): no promise per
 * event, which is what a thousand subscribers of one ticket cost in a fan-out.
 *
 * Bounded: a subscriber that reads slower than events arrive (a stalled socket) fails with
 * SubscriberTooSlowError once `capacity` events wait, instead of holding them in memory; the
 * client resubscribes and refetches what it shows.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly waiting: { resolve(result: IteratorResult<T>): void; reject(error: Error): void }[] = [];
  private failure: Error | undefined;
  private ended = false;
  private consumer: Consumer<T> | undefined;

  constructor(
    private readonly capacity: number,
    private readonly onEnd: () => void,
  ) {}

  /** Hands an event to the subscriber; false once the stream has ended. */
  push(value: T): boolean {
    if (this.ended) return false;
    const consumer = this.consumer;
    if (consumer && !consumer.busy && !this.buffer.length) {
      this.hand(consumer, value);
      return !this.ended;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve({ value, done: false });
    else if (this.buffer.length >= this.capacity) this.fail(new SubscriberTooSlowError(this.capacity));
    else this.buffer.push(value);
    return !this.ended;
  }

  /** Ends the stream with an error, after the events already queued. */
  fail(error: Error): void {
    if (this.ended) return;
    this.failure = error;
    this.finish();
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    if (this.consumer) {
      this.failure = undefined;
      this.consumer.reject(error);
    }
  }

  /**
   * Hands each event to `deliver` as it is pushed (those already waiting first), one at a time:
   * `deliver` returns true when it is done with the event, or false and calls `finished` once it
   * is (with an error, the stream fails). Events pushed meanwhile wait here, up to the capacity.
   * Resolves when the stream ends (`return`); rejects with its failure. Instead of `next`.
   */
  consume(deliver: (value: T, finished: (error?: unknown) => void) => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.ended) return this.failure ? reject(this.failure) : resolve();
      this.consumer = { deliver, resolve, reject, busy: false };
      this.pump();
    });
  }

  private hand(consumer: Consumer<T>, value: T): void {
    consumer.busy = true;
    let returned = false;
    let finishedAtOnce = false;
    const finished = (error?: unknown) => {
      if (error !== undefined) return this.fail(error instanceof Error ? error : new Error(String(error)));
      if (!returned) return void (finishedAtOnce = true);
      consumer.busy = false;
      this.pump();
    };
    let done: boolean;
    try {
      done = consumer.deliver(value, finished);
    } catch (error) {
      return this.fail(error instanceof Error ? error : new Error(String(error)));
    }
    returned = true;
    if (done || finishedAtOnce) consumer.busy = false;
  }

  /** Hands the waiting events to the consumer while it takes them at once. */
  private pump(): void {
    const consumer = this.consumer;
    while (consumer && !consumer.busy && !this.ended && this.buffer.length) this.hand(consumer, this.buffer.shift()!);
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.buffer.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.failure = undefined;
    this.finish();
    for (const waiter of this.waiting.splice(0)) waiter.resolve({ value: undefined, done: true });
    this.consumer?.resolve();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  get closed(): boolean {
    return this.ended;
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
  }
}

interface Consumer<T> {
  deliver(value: T, finished: (error?: unknown) => void): boolean;
  resolve(): void;
  reject(error: Error): void;
  /** Between an event it has not finished with and its `finished`. */
  busy: boolean;
}

/** What a subscription that fell too far behind ends with; the client resubscribes and refetches. */
export class SubscriberTooSlowError extends AppError {
  constructor(capacity: number) {
    super("SERVICE_UNAVAILABLE", `More than ${capacity} events waited for this subscription, so it was ended. Subscribe again and refetch what you show.`, {
      extensions: { reason: "subscriber_too_slow" },
      logLevel: "info",
    });
  }
}
