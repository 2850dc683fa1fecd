import { AppError } from "../../core/errors.js";

/**
 * One subscriber's queue of events: the hub pushes, GraphQL pulls. A plain iterator, not an
 * async generator, so `return()` (the client completed, the socket closed) ends it at once even
 * while a `next()` waits; an async generator would queue the return behind that wait, and an
 * idle subscription would never leave the hub.
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

  constructor(
    private readonly capacity: number,
    private readonly onEnd: () => void,
  ) {}

  /** Hands an event to the subscriber; false once the stream has ended. */
  push(value: T): boolean {
    if (this.ended) return false;
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

/** What a subscription that fell too far behind ends with; the client resubscribes and refetches. */
export class SubscriberTooSlowError extends AppError {
  constructor(capacity: number) {
    super("SERVICE_UNAVAILABLE", `More than ${capacity} events waited for this subscription, so it was ended. Subscribe again and refetch what you show.`, {
      extensions: { reason: "subscriber_too_slow" },
      logLevel: "info",
    });
  }
}
