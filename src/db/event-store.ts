import type { EntityManager } from "@mikro-orm/core";
import type { CommittedEvent, DomainEvent } from "../core/events/catalog.js";
import type { EventStore } from "../core/events/domain-events.js";
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
    const last = await raisePositionCounter(tx, events.length);
    const committed = events.map((event, i) => ({ ...event, position: last - events.length + 1 + i }));
    await tx.insertMany(DomainEventRecord, committed.map(toRecord));
    return committed;
  },
};

/**
 * Adds `n` to the position counter and returns its new value in one statement: MySQL hands the
 * value back through LAST_INSERT_ID(expr) in the UPDATE's OK packet, SQLite through RETURNING.
 */
async function raisePositionCounter(tx: EntityManager, n: number): Promise<number> {
  const connection = tx.getConnection();
  const context = tx.getTransactionContext();
  if (tx.getPlatform().usesReturningStatement()) {
    const rows = await connection.execute<{ value: number | string }[]>("update counters set value = value + ? where name = ? returning value", [n, EVENT_POSITION_COUNTER], "all", context);
    if (!rows.length) throw missingCounter();
    return Number(rows[0]!.value);
  }
  const result = await connection.execute<{ affectedRows: number; insertId: number }>(
    "update counters set value = last_insert_id(value + ?) where name = ?",
    [n, EVENT_POSITION_COUNTER],
    "run",
    context,
  );
  if (!result.affectedRows) throw missingCounter();
  return Number(result.insertId);
}

const missingCounter = () => new Error(`The counter row "${EVENT_POSITION_COUNTER}" is missing: run the migrations.`);

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
