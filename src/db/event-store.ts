import { raw, type EntityManager } from "@mikro-orm/core";
import type { CommittedEvent, DomainEvent } from "../core/events/catalog.js";
import type { EventStore } from "../core/events/domain-events.js";
import { Counter } from "./counter.entity.js";
import { DomainEventRecord } from "./domain-event.entity.js";

/** The counter row (created by the migration) whose value is the last position handed out. */
export const EVENT_POSITION_COUNTER = "domain_events";

/**
 * Appends a transaction's events at the end of its work. Raising the counter row takes its lock
 * until commit, so transactions append one after another and positions ascend in commit order
 * without gaps (MySQL's AUTO_INCREMENT gives neither: ids are handed out at insert, not at
 * commit). Taken last, the lock is held only for the insert and the commit. SQLite serializes
 * writers anyway.
 */
export const eventStore: EventStore = {
  async append(tx: EntityManager, events: readonly DomainEvent[]): Promise<CommittedEvent[]> {
    const updated = await tx.nativeUpdate(Counter, { name: EVENT_POSITION_COUNTER }, { value: raw(`value + ${events.length}`) });
    if (!updated) throw new Error(`The counter row "${EVENT_POSITION_COUNTER}" is missing: run the migrations.`);
    const [row] = await tx.getConnection().execute<{ value: number | string }[]>("select value from counters where name = ?", [EVENT_POSITION_COUNTER], "all", tx.getTransactionContext());
    const last = Number(row!.value);
    const committed = events.map((event, i) => ({ ...event, position: last - events.length + 1 + i }));
    await tx.insertMany(DomainEventRecord, committed.map(toRecord));
    return committed;
  },
};

function toRecord(event: CommittedEvent): DomainEventRecord {
  return {
    position: event.position,
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    actorId: event.actorId,
    targetType: event.target.type,
    targetId: event.target.id,
    ticketId: event.refs.ticketId ?? null,
    issueId: event.refs.issueId ?? null,
    projectId: event.refs.projectId ?? null,
    userId: event.refs.userId ?? null,
    visibility: event.visibility,
    payload: event.payload as Record<string, unknown>,
    requestId: event.requestId.slice(0, 64),
  };
}

/** A stored event as the rest of the system sees it. */
export function fromRecord(record: DomainEventRecord): CommittedEvent {
  return {
    position: Number(record.position),
    id: record.id,
    type: record.type as CommittedEvent["type"],
    occurredAt: record.occurredAt,
    actorId: record.actorId,
    target: { type: record.targetType, id: record.targetId },
    refs: { ticketId: record.ticketId, issueId: record.issueId, projectId: record.projectId, userId: record.userId },
    visibility: record.visibility,
    payload: record.payload as CommittedEvent["payload"],
    requestId: record.requestId,
  };
}
