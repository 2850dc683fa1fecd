import type { EntityManager } from "@mikro-orm/core";
import type { Orm } from "../../db/orm.js";
import { DomainEventRecord } from "../../db/domain-event.entity.js";

/** Small batches keep each delete's locks short next to the writers appending at the other end. */
const BATCH = 500;
const MAX_BATCHES_PER_PASS = 200;

/**
 * Deletes durable events older than EVENT_RETENTION_DAYS, from the front of the stream only: it
 * stops at the first event still kept, so the events kept are always those after one position
 * (which is how the feed tells an expired cursor). Idempotent: replicas pruning at once delete
 * the same rows, and a row already gone is simply not deleted twice. Run by the `events.purge`
 * job (event.jobs.ts) on the job unit's EntityManager (its transaction), or on its own forks.
 */
export class EventRetention {
  constructor(
    private readonly orm: Orm,
    readonly retentionDays: number,
  ) {}

  private cutoff(now: Date): Date {
    return new Date(now.getTime() - this.retentionDays * 86_400_000);
  }

  /** How many events a prune as of `now` would delete (at most, from the front of the stream). */
  async count(now: Date, em: EntityManager = this.orm.em.fork()): Promise<number> {
    const kept = await em.findOne(DomainEventRecord, { occurredAt: { $gte: this.cutoff(now) } }, { orderBy: { position: "ASC" }, fields: ["position"] });
    return em.count(DomainEventRecord, kept ? { position: { $lt: kept.position } } : {});
  }

  /** Deletes the events older than the retention as of `now`; returns how many. */
  async prune(now: Date, on?: EntityManager): Promise<number> {
    const cutoff = this.cutoff(now);
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
      const em = on ?? this.orm.em.fork();
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
