import { AsyncResource } from "node:async_hooks";

/**
 * A background worker's heartbeat: `wake()` runs a pass now, or once more right after the one in
 * progress (so a wake during a pass is never lost, nor one while the next delay is worked out or
 * the loop is going to sleep); after the passes, it sleeps until the delay `nextDelayMs` gives,
 * then passes again. A pass that throws is reported and the loop goes on.
 * Each pass runs in the loop's own async scope, so request-scoped context never leaks into it.
 */
export class WakeableLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private halted = true;
  private scope: AsyncResource;

  constructor(
    private readonly name: string,
    private readonly pass: () => Promise<void>,
    private readonly nextDelayMs: () => Promise<number> | number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.scope = new AsyncResource(name);
  }

  /** Whether stop() was called: a long pass checks it between batches to end early. */
  get stopped(): boolean {
    return this.halted;
  }

  start(): void {
    this.halted = false;
    this.scope = new AsyncResource(this.name);
    this.wake();
  }

  wake(): void {
    if (this.halted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.scope.runInAsyncScope(() => this.loop()).finally(() => {
      this.running = undefined;
      // Woken between the loop's last look at `again` and now: that wake gets its pass.
      if (this.again) this.wake();
    });
  }

  async stop(): Promise<void> {
    this.halted = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Resolves once no pass is running (tests: after wake(), the work it started is done). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    for (;;) {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (error) {
          this.onError(error);
        }
      } while (this.again && !this.halted);
      if (this.halted) return;
      const delay = await this.nextDelayMs();
      if (this.halted) return;
      // Woken while the delay was worked out (a query, for the workers): pass again instead of
      // sleeping through it (with a long poll interval that wake was lost until the timer).
      if (this.again) continue;
      this.timer = setTimeout(() => this.wake(), delay);
      this.timer.unref();
      return;
    }
  }
}
