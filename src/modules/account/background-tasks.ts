import type { Logger } from "pino";

/**
 * Work a request starts but does not wait for, e.g. the lookup behind "if this address has an
 * account, we sent a link": answering before it runs keeps the response the same, in body and
 * in time, whether or not the account exists. Shutdown waits for what is in flight.
 */
export class BackgroundTasks {
  private readonly inFlight = new Set<Promise<void>>();
  logger: Pick<Logger, "error"> | undefined;

  run(what: string, task: () => Promise<void>): void {
    const promise = task()
      .catch((error) => this.logger?.error({ err: error, task: what }, "background task failed"))
      .finally(() => this.inFlight.delete(promise));
    this.inFlight.add(promise);
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
