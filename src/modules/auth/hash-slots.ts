import { performance, type EventLoopUtilization } from "node:perf_hooks";

/**
 * Event-loop utilisation at or above which the loop counts as busy with other requests. Sign-ins
 * alone keep it near half busy at full speed (their own GraphQL and SQL, and the hashing threads
 * taking the cores from it); a loaded API keeps it above this.
 */
const BUSY_UTILISATION = 0.7;
/**
 * Other API requests per second at or above which the server counts as busy whatever the
 * loop's utilisation: a queue page every 10 ms leaves the loop over a third idle, yet two hashing
 * threads beside it took its core often enough to triple its p99 (bench/RESULTS.md, Q1+logins).
 */
const BUSY_OTHER_REQUESTS_PER_SECOND = 20;
/** How long a utilisation sample spans. Decisions in between reuse the last one. */
const WINDOW_MS = 100;

/**
 * How many password hashes run at once. Hashes (argon2 on libuv's thread pool) and GraphQL (the
 * event loop) compete for the same cores. While the event loop is busy serving other requests,
 * hashes get `underLoad` slots, so a core stays for GraphQL and a sign-in flood cannot starve
 * the API; while it is mostly idle, or busy with sign-ins alone, they get `max` slots and
 * sign-ins use every core.
 *
 * The loop's utilisation and the API requests that were not sign-ins (noteRequest() counts every
 * request, run() every hash) are sampled when a hash asks for a slot or gives one back, over
 * windows of at least WINDOW_MS; no timer runs. A waiting hash starts when a running one finishes, under
 * the limit that holds at that moment.
 */
export class HashSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private busy = false;
  private windowStart: EventLoopUtilization = performance.eventLoopUtilization();
  private windowStartedAt = performance.now();
  private requestsInWindow = 0;
  private hashesInWindow = 0;

  constructor(
    private readonly max: number,
    private readonly underLoad: number,
  ) {
    if (!(underLoad >= 1 && underLoad <= max)) throw new Error(`hash slots: 1 <= underLoad (${underLoad}) <= max (${max})`);
  }

  /** Slots open now: `max` while the event loop is mostly idle, `underLoad` while it is busy. */
  get limit(): number {
    return this.busy ? this.underLoad : this.max;
  }

  /** Hashes running, hashes waiting for a slot, and the slots open now. */
  get state(): { running: number; waiting: number; slots: number } {
    return { running: this.running, waiting: this.waiting.length, slots: this.limit };
  }

  /** Counts one API request (sign-ins included: each also runs a hash, and those are subtracted). */
  noteRequest(): void {
    this.requestsInWindow++;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.hashesInWindow++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => {
        this.running++;
        new Promise<T>((done) => done(task())).then(resolve, reject).finally(() => {
          this.running--;
          this.startWaiting();
        });
      });
      this.startWaiting();
    });
  }

  private startWaiting(): void {
    this.sample();
    while (this.waiting.length > 0 && this.running < this.limit) this.waiting.shift()!();
  }

  private sample(): void {
    const now = performance.now();
    if (now - this.windowStartedAt < WINDOW_MS) return;
    const otherPerSecond = (Math.max(0, this.requestsInWindow - this.hashesInWindow) * 1000) / (now - this.windowStartedAt);
    // A window whose requests were all sign-ins has nothing to protect: its loop time is theirs,
    // and on a crowded machine a loop waiting for a core counts as busy, so sign-ins alone
    // halved their own hashing (bench Q4). One request of slack: a sign-in's request can fall in
    // one window and its hash in the next. Loop work of no request (sockets, jobs) still counts.
    const signInsOnly = this.requestsInWindow > 0 && this.requestsInWindow <= this.hashesInWindow + 1;
    this.busy = otherPerSecond >= BUSY_OTHER_REQUESTS_PER_SECOND || (!signInsOnly && performance.eventLoopUtilization(this.windowStart).utilization >= BUSY_UTILISATION);
    this.windowStart = performance.eventLoopUtilization();
    this.windowStartedAt = now;
    this.requestsInWindow = 0;
    this.hashesInWindow = 0;
  }
}
