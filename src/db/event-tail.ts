import { createRequire } from "node:module";
import type { Redis } from "ioredis";
import type { CommittedEvent } from "../core/events/catalog.js";
import type { DomainEvents } from "../core/events/domain-events.js";
import { DomainEventRecord } from "./domain-event.entity.js";
import { fromRecord } from "./event-store.js";
import { databaseFailureOf } from "./outage.js";
import type { Orm } from "./orm.js";

// ioredis is required when REDIS_URL is set, not by every process at startup (~1 MB of heap).
const loadIoredis = () => (createRequire(import.meta.url)("ioredis") as typeof import("ioredis")).Redis;

export interface EventTailOptions {
  /** How often the table is read regardless of Redis: the bound when a message is lost or Redis is down. */
  pollMs: number;
  /** With it, a commit is announced on `channel` and the other replicas read the table at once. */
  redisUrl?: string;
  /** The pub/sub channel; replicas of one database share it (see channelFor). */
  channel: string;
  batchSize?: number;
}

export interface EventTailLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * Positions are gap-free (event-store.ts), so a hole means a commit not yet visible to this read.
 * It cannot happen with the counter lock held to commit; should it anyway (a manual delete), the
 * tail waits this long for the hole to fill, then steps over it rather than stall for good.
 */
const GAP_PATIENCE_MS = 2_000;

/**
 * How one replica hears what the others committed. The events table is the truth: every process
 * keeps the last position it has seen (the table's end when it started) and reads what follows,
 * in position order; what another process committed goes to `events.onReplicated` listeners
 * (cache invalidation, key reloads), what this process committed was announced by
 * `onCommitted` already and is skipped. It reads on a short interval (pollMs) and, with Redis,
 * at once when another replica publishes the position it just committed; pub/sub only wakes the
 * reader, so a lost message delays an event by at most one poll and never loses it.
 *
 * Not used on the embedded SQLite database: one process, nobody else commits.
 */
export class EventTail {
  private position = 0;
  private readonly local = new Set<number>();
  private reading: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopListening: (() => void) | undefined;
  private publisher: Redis | undefined;
  private subscriber: Redis | undefined;
  private redisDown = false;
  private gapSeenAt: number | undefined;
  private readonly streamListeners = new Set<(events: readonly CommittedEvent[]) => void>();
  private caughtUpAt = Date.now();
  private stopped = false;
  /** Whether the starting position was read. */
  private started = false;
  log: EventTailLog | undefined;

  /** Whether the last read failed (so a run of failures is logged once). */
  private failing = false;

  constructor(
    private readonly orm: Orm,
    private readonly events: DomainEvents,
    private readonly options: EventTailOptions,
  ) {}

  /** The pub/sub channel of one database: replicas of another database on the same Redis stay apart. */
  static channelFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    return `deskql:events:${url.host}${url.pathname}`;
  }

  /**
   * Starts from the table's current end (what was committed before this process started is not
   * news to it: its caches are empty), then reads on every poll and Redis message. Resolves after
   * the first read; a failed one is logged and retried at the next poll.
   */
  async start(log?: EventTailLog): Promise<void> {
    this.log = log;
    this.stopListening = this.events.onCommitted((committed) => this.committedHere(committed));
    this.caughtUpAt = Date.now();
    if (this.options.redisUrl) this.connectRedis(this.options.redisUrl);
    this.timer = setInterval(() => void this.wake(), this.options.pollMs);
    this.timer.unref();
    await this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.stopListening?.();
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
    await this.reading?.catch(() => undefined);
  }

  /** The last position this process has read (or committed itself). */
  get lastSeen(): number {
    return this.position;
  }

  /**
   * Whether the tail read the table recently enough that caches may trust their entries: false
   * when the reads fail (for example the database is unreachable for the tail), so the caches
   * step aside instead of serving state no one can invalidate.
   */
  isCurrent(now = Date.now()): boolean {
    return now - this.caughtUpAt <= this.options.pollMs * 2 + 1_000;
  }

  /**
   * Every event in position order as the tail reads it, this process's own included (after
   * onCommitted heard them): one ordered stream of every replica's commits.
   */
  onStream(listener: (events: readonly CommittedEvent[]) => void): () => void {
    this.streamListeners.add(listener);
    return () => this.streamListeners.delete(listener);
  }

  /** Reads what follows the last seen position now; concurrent calls share one read (and one re-read). */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readAll()
      .then(() => {
        if (this.failing) this.log?.info({}, "the events table is readable again: other replicas' events flow");
        this.failing = false;
      })
      .catch((error: unknown) => {
        // One line per outage, not one per poll (the outage itself is reported by the request path).
        if (this.failing) return;
        this.failing = true;
        if (databaseFailureOf(error)) this.log?.warn({ reason: databaseFailureOf(error) }, "could not read the events table for other replicas' events; retrying at every poll");
        else this.log?.error({ err: error }, "could not read the events table for other replicas' events; retrying at every poll");
      })
      .finally(() => {
        this.reading = undefined;
        // Woken after the read's last look at `again` (a Redis message as it finished): read once more
        // now rather than at the next poll. After a failed read the poll retries.
        if (this.again && !this.failing) void this.wake();
      });
    return this.reading;
  }

  private committedHere(committed: readonly CommittedEvent[]): void {
    for (const event of committed) if (!this.started || event.position > this.position) this.local.add(event.position);
    const last = committed[committed.length - 1];
    if (!last || !this.publisher) return;
    this.publisher.publish(this.options.channel, String(last.position)).catch(() => {
      // Redis is down or slow: the others find the event at their next poll.
    });
  }

  private async readAll(): Promise<void> {
    if (!this.started) {
      this.position = await this.lastPosition();
      this.started = true;
      for (const position of this.local) if (position <= this.position) this.local.delete(position);
    }
    do {
      this.again = false;
      while (await this.readBatch());
    } while (this.again && !this.stopped);
    this.caughtUpAt = Date.now();
  }

  /** Reads and announces one batch; true when more may follow at once. */
  private async readBatch(): Promise<boolean> {
    const limit = this.options.batchSize ?? 500;
    const rows = await this.orm.em.fork().find(DomainEventRecord, { position: { $gt: this.position } }, { orderBy: { position: "asc" }, limit });
    const read: CommittedEvent[] = [];
    let last = this.position;
    for (const row of rows) {
      const event = fromRecord(row);
      if (event.position !== last + 1 && !this.stepOverGap(last, event.position)) break;
      read.push(event);
      last = event.position;
      this.gapSeenAt = undefined;
    }
    if (!read.length) return false;
    this.position = read[read.length - 1]!.position;
    const remote = read.filter((event) => !this.local.has(event.position));
    for (const position of this.local) if (position <= this.position) this.local.delete(position);
    this.events.announceReplicated(remote);
    for (const listener of this.streamListeners) {
      try {
        listener(read);
      } catch (error) {
        this.log?.error({ err: error }, "an event stream listener failed");
      }
    }
    return read.length === rows.length && rows.length === limit;
  }

  /** Whether to give up waiting for the positions before `next` (see GAP_PATIENCE_MS). */
  private stepOverGap(after: number, next: number): boolean {
    const now = Date.now();
    this.gapSeenAt ??= now;
    if (now - this.gapSeenAt < GAP_PATIENCE_MS) return false;
    this.log?.warn({ after, next }, "positions missing from the events table; reading on past them");
    return true;
  }

  private async lastPosition(): Promise<number> {
    const rows = await this.orm.em.fork().getConnection().execute<{ last: number | string | null }[]>("select max(position) as last from domain_events");
    return Number(rows[0]?.last ?? 0);
  }

  /**
   * Two connections: a subscribed one can only listen. Both reconnect by themselves; while Redis
   * is away the poll carries the events, so its loss is logged once, not per command.
   */
  private connectRedis(url: string): void {
    const common = { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 } as const;
    // A hung Redis (accepting but not answering) must not hold publishes in memory for long.
    const Redis = loadIoredis();
    this.publisher = new Redis(url, { ...common, commandTimeout: 1_000 });
    this.subscriber = new Redis(url, { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null });
    for (const client of [this.publisher, this.subscriber]) client.on("error", (error: Error) => this.redisFailed(error));
    this.subscriber.on("ready", () => {
      if (this.redisDown) this.log?.info({ channel: this.options.channel }, "Redis is back: other replicas' events arrive at once again");
      this.redisDown = false;
      void this.wake(); // whatever was announced while away
    });
    this.subscriber.on("message", (_channel: string, message: string) => {
      if (Number(message) > this.position) void this.wake();
    });
    this.subscriber.subscribe(this.options.channel).catch((error: unknown) => this.redisFailed(error as Error));
  }

  private redisFailed(error: Error): void {
    if (this.redisDown || this.stopped) return;
    this.redisDown = true;
    this.log?.warn({ err: error, pollMs: this.options.pollMs }, "Redis is unreachable: other replicas' events arrive by polling the events table until it is back");
  }
}

/**
 * For a process without a tail (an operator command such as `keys:rotate`): tells the replicas
 * that `position` was committed, so they read it at once rather than at their next poll.
 * Best effort: a Redis that cannot be reached leaves it to the poll (returns false).
 */
export async function announceCommitted(redisUrl: string, channel: string, position: number): Promise<boolean> {
  const client = new (loadIoredis())(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 2_000, commandTimeout: 2_000, retryStrategy: () => null });
  client.on("error", () => undefined); // reported through the return value
  try {
    await client.connect();
    await client.publish(channel, String(position));
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
