import type { Logger } from "pino";
import type { Clock } from "../../core/clock.js";
import type { Orm } from "../../db/orm.js";
import { DomainEventRecord } from "../../db/domain-event.entity.js";

const PRUNE_EVERY_MS = 15 * 60_000;
/** Small batches keep each delete's locks short next to the writers appending at the other end. */
const BATCH = 500;
const MAX_BATCHES_PER_PASS = 200;

/**
 * Deletes durable events older than EVENT_RETENTION_DAYS, from the front of the stream only: it
 * stops at the first event still kept, so the events kept are always those after one position
 * (which is how the feed tells an expired cursor). Idempotent: replicas pruning at once delete
 * the same rows, and a row already gone is simply not deleted twice.
 */
export class EventRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly orm: Orm,
    readonly retentionDays: number,
  ) {}

  start(clock: () => Clock, logger: Pick<Logger, "error" | "info">): void {
    const pass = () => {
      this.running = this.prune(clock().now())
        .then((deleted) => deleted && logger.info({ deleted }, "old domain events pruned"))
        .catch((error: unknown) => logger.error({ err: error }, "pruning domain events failed"))
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(pass, PRUNE_EVERY_MS);
    this.timer.unref();
    pass();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes the events older than the retention as of `now`; returns how many. */
  async prune(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retentionDays * 86_400_000);
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
      const em = this.orm.em.fork();
      const front = await em.find(DomainEventRecord, {}, { orderBy: { position: "ASC" }, limit: BATCH, fields: ["position", "occurredAt"] });
      const keptAt = front.findIndex((event) => event.occurredAt >= cutoff);
      const old = keptAt === -1 ? front : front.slice(0, keptAt);
      if (!old.length) break;
      deleted += await em.nativeDelete(DomainEventRecord, { position: { $lte: old.at(-1)!.position } });
      if (keptAt !== -1) break;
    }
    return deleted;
  }
}
