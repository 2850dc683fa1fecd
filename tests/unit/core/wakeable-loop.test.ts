import { afterEach, describe, expect, it } from "vitest";
import { WakeableLoop } from "../../../src/core/wakeable-loop.js";

/** A loop whose passes and delay computations the test can hold open and release. */
function harness() {
  let passes = 0;
  let releaseDelay: (() => void) | undefined;
  const errors: unknown[] = [];
  const loop = new WakeableLoop(
    "test-loop",
    async () => {
      passes++;
    },
    () =>
      new Promise<number>((resolve) => {
        releaseDelay = () => resolve(3_600_000); // a long sleep: only a wake may run the next pass
      }),
    (error) => errors.push(error),
  );
  const delayAsked = async () => {
    while (!releaseDelay) await new Promise((resolve) => setTimeout(resolve, 1));
    const release = releaseDelay;
    releaseDelay = undefined;
    return release;
  };
  return { loop, passes: () => passes, delayAsked, errors };
}

let loops: WakeableLoop[] = [];
afterEach(async () => {
  for (const loop of loops) {
    void loop.stop();
  }
  loops = [];
});

describe("WakeableLoop", () => {
  it("runs a pass at start, then sleeps until the delay it is given", async () => {
    const h = harness();
    loops.push(h.loop);
    h.loop.start();
    (await h.delayAsked())();
    await h.loop.idle();
    expect(h.passes()).toBe(1);
  });

  it("does not lose a wake that comes while the next delay is being worked out", async () => {
    const h = harness();
    loops.push(h.loop);
    h.loop.start();
    const release = await h.delayAsked(); // the first pass is done; the loop waits for its delay
    h.loop.wake(); // e.g. a commit heard while the worker queries when its next retry is due
    release();
    (await h.delayAsked())(); // a second pass ran and asked again
    await h.loop.idle();
    expect(h.passes()).toBe(2);
  });

  it("does not lose a wake that comes as the loop goes to sleep", async () => {
    const h = harness();
    loops.push(h.loop);
    h.loop.start();
    const release = await h.delayAsked();
    release();
    // The loop's promise settles a microtask later: a wake in between finds it still running.
    queueMicrotask(() => h.loop.wake());
    (await h.delayAsked())();
    await h.loop.idle();
    expect(h.passes()).toBe(2);
  });
});
