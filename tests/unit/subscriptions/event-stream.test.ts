import { describe, expect, it } from "vitest";
import { EventStream, SubscriberTooSlowError } from "../../../src/modules/subscriptions/event-stream.js";

/** A consumer that finishes some values at once and holds others until `release` is called. */
function consumer(holds: (value: number) => boolean) {
  const seen: number[] = [];
  const held: (() => void)[] = [];
  const deliver = (value: number, finished: (error?: unknown) => void): boolean => {
    seen.push(value);
    if (!holds(value)) return true;
    held.push(() => finished());
    return false;
  };
  return { seen, deliver, release: () => held.shift()?.() };
}

describe("EventStream.consume", () => {
  it("hands each pushed value to the consumer at once, in order, and the ones pushed before it first", () => {
    let ended = 0;
    const stream = new EventStream<number>(10, () => ended++);
    stream.push(1);
    stream.push(2);
    const c = consumer(() => false);
    void stream.consume(c.deliver);
    expect(c.seen).toEqual([1, 2]);
    stream.push(3);
    expect(c.seen).toEqual([1, 2, 3]); // synchronously: no promise per value
    expect(ended).toBe(0);
  });

  it("keeps values pushed while the consumer is busy and hands them on, in order, once it is done", () => {
    const stream = new EventStream<number>(10, () => undefined);
    const c = consumer((value) => value === 1);
    void stream.consume(c.deliver);
    stream.push(1);
    stream.push(2);
    stream.push(3);
    expect(c.seen).toEqual([1]);
    c.release();
    expect(c.seen).toEqual([1, 2, 3]);
  });

  it("fails a consumer that falls more than its capacity behind with SubscriberTooSlowError, and ends the stream", async () => {
    let ended = 0;
    const stream = new EventStream<number>(2, () => ended++);
    const c = consumer(() => true);
    const consumed = stream.consume(c.deliver);
    stream.push(1); // held
    stream.push(2);
    stream.push(3);
    expect(stream.push(4)).toBe(false); // the third waiting value: over capacity
    await expect(consumed).rejects.toBeInstanceOf(SubscriberTooSlowError);
    expect(ended).toBe(1);
    expect(stream.closed).toBe(true);
  });

  it("resolves when the stream is returned (the client completed) and takes nothing more", async () => {
    const stream = new EventStream<number>(10, () => undefined);
    const c = consumer(() => false);
    const consumed = stream.consume(c.deliver);
    stream.push(1);
    await stream.return();
    await expect(consumed).resolves.toBeUndefined();
    expect(stream.push(2)).toBe(false);
    expect(c.seen).toEqual([1]);
  });

  it("rejects with the consumer's error, whether thrown or passed to finished later", async () => {
    const thrown = new EventStream<number>(10, () => undefined);
    const consumedThrown = thrown.consume(() => {
      throw new Error("execution failed");
    });
    thrown.push(1);
    await expect(consumedThrown).rejects.toThrow("execution failed");

    const later = new EventStream<number>(10, () => undefined);
    let fail: ((error: unknown) => void) | undefined;
    const consumedLater = later.consume((_value, finished) => {
      fail = finished;
      return false;
    });
    later.push(1);
    fail!(new Error("socket gone"));
    await expect(consumedLater).rejects.toThrow("socket gone");
  });

  it("treats a consumer that calls finished before returning false as done with the value", () => {
    const stream = new EventStream<number>(10, () => undefined);
    const seen: number[] = [];
    void stream.consume((value, finished) => {
      seen.push(value);
      finished();
      return false;
    });
    stream.push(1);
    stream.push(2);
    expect(seen).toEqual([1, 2]);
  });
});
