/**
 * At most `limit` socket and subscription set-ups at a time; the rest wait their turn in memory.
 * A reconnect storm (every client of a restarted replica connecting and subscribing at once) would
 * otherwise queue hundreds of set-up lookups on the database pool, where the waits past DATABASE_ACQUIRE_TIMEOUT_MS become
 * 503s for the sockets and for every request beside them (measured: 1,000 subscribes at once on
 * one ticket, bench/events.ts).
 */
export class SubscribeGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes on
      else this.running--;
    }
  }
}
