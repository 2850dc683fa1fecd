import { describe, expect, it } from "vitest";
import { HashSlots } from "../../src/modules/auth/hash-slots.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the event loop busy (synchronously) for `ms`, as a burst of GraphQL requests would. */
function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Tasks that run until released, recording how many run at once. */
function gatedTasks() {
  let running = 0;
  let peak = 0;
  const gates: (() => void)[] = [];
  const task = () =>
    new Promise<number>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      gates.push(() => {
        running--;
        resolve(running);
      });
    });
  return {
    task,
    get running() {
      return running;
    },
    get peak() {
      return peak;
    },
    releaseOne: () => gates.shift()?.(),
  };
}

describe("HashSlots", () => {
  it("uses every slot while the event loop is idle", async () => {
    const slots = new HashSlots(2, 1);
    await sleep(150);
    const tasks = gatedTasks();
    const results = [slots.run(tasks.task), slots.run(tasks.task), slots.run(tasks.task)];
    await sleep(10);
    expect(slots.limit).toBe(2);
    expect(tasks.running).toBe(2);
    tasks.releaseOne();
    await sleep(10);
    expect(tasks.running).toBe(2); // the third took the freed slot
    tasks.releaseOne();
    tasks.releaseOne();
    await Promise.all(results);
    expect(tasks.peak).toBe(2);
  });

  it("keeps to the under-load slots while the event loop is busy, and opens them again once it is idle", async () => {
    const slots = new HashSlots(2, 1);
    busyFor(150);
    const tasks = gatedTasks();
    const results = [slots.run(tasks.task), slots.run(tasks.task), slots.run(tasks.task)];
    await sleep(10);
    expect(slots.limit).toBe(1);
    expect(tasks.running).toBe(1);

    await sleep(150); // the loop is idle now: the next sample opens both slots
    tasks.releaseOne();
    await sleep(10);
    expect(slots.limit).toBe(2);
    expect(tasks.running).toBe(2);
    tasks.releaseOne();
    tasks.releaseOne();
    await Promise.all(results);
  });

  it("keeps to the under-load slots while other API requests flow, even with the loop mostly idle", async () => {
    const slots = new HashSlots(2, 1);
    // 30 requests in ~150 ms (200/s), none of them a sign-in: the loop idles between them.
    for (let i = 0; i < 30; i++) {
      slots.noteRequest();
      await sleep(5);
    }
    const tasks = gatedTasks();
    const results = [slots.run(tasks.task), slots.run(tasks.task)];
    await sleep(10);
    expect(slots.limit).toBe(1);
    expect(tasks.running).toBe(1);

    // Sign-ins alone (each request runs one hash) count as no other traffic: both slots open again.
    await sleep(150);
    slots.noteRequest();
    slots.noteRequest();
    tasks.releaseOne();
    await sleep(10);
    expect(slots.limit).toBe(2);
    tasks.releaseOne();
    await Promise.all(results);
  });

  it("lets sign-ins alone use every slot even while their own work keeps the loop busy", async () => {
    const slots = new HashSlots(2, 1);
    // Two sign-in requests whose GraphQL and SQL (and a crowded machine) kept the loop busy.
    slots.noteRequest();
    slots.noteRequest();
    busyFor(150);
    const tasks = gatedTasks();
    const results = [slots.run(tasks.task), slots.run(tasks.task)];
    await sleep(10);
    expect(slots.limit).toBe(2);
    expect(tasks.running).toBe(2);
    tasks.releaseOne();
    tasks.releaseOne();
    await Promise.all(results);
  });

  it("still keeps to the under-load slots when the busy loop also served requests that were not sign-ins", async () => {
    const slots = new HashSlots(2, 1);
    for (let i = 0; i < 3; i++) slots.noteRequest(); // one sign-in and two other requests
    busyFor(150);
    const tasks = gatedTasks();
    const results = [slots.run(tasks.task), slots.run(tasks.task)];
    await sleep(10);
    expect(slots.limit).toBe(1);
    expect(tasks.running).toBe(1);
    tasks.releaseOne();
    await sleep(10);
    tasks.releaseOne();
    await Promise.all(results);
  });

  it("passes results and errors through, thrown or rejected, and frees the slot either way", async () => {
    const slots = new HashSlots(1, 1);
    await expect(slots.run(() => Promise.resolve("hash"))).resolves.toBe("hash");
    await expect(slots.run(() => Promise.reject(new Error("rejected")))).rejects.toThrow("rejected");
    await expect(
      slots.run(() => {
        throw new Error("thrown");
      }),
    ).rejects.toThrow("thrown");
    await expect(slots.run(() => Promise.resolve(42))).resolves.toBe(42);
  });

  it("refuses an under-load limit above the maximum or below one", () => {
    expect(() => new HashSlots(1, 2)).toThrow();
    expect(() => new HashSlots(2, 0)).toThrow();
  });
});
