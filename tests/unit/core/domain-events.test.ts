import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import type { Clock } from "../../../src/core/clock.js";
import type { CommittedEvent, DomainEvent, NewEvent } from "../../../src/core/events/catalog.js";
import { DomainEvents } from "../../../src/core/events/domain-events.js";
import { Role } from "../../../src/core/identity.js";
import { createScope, type RequestScope } from "../../../src/core/scope.js";
import { Counter } from "../../../src/db/counter.entity.js";
import { DomainEventRecord } from "../../../src/db/domain-event.entity.js";
import { EVENT_POSITION_COUNTER, eventStore, fromRecord } from "../../../src/db/event-store.js";
import { initOrm, type Orm } from "../../../src/db/orm.js";
import { AuditAction } from "../../../src/modules/audit/audit.actions.js";
import { AuditEvent } from "../../../src/modules/audit/audit-event.entity.js";
import { createTestDatabase } from "../../support/database.js";

// Test-only event types: the kernel knows no module's events.
declare module "../../../src/core/events/catalog.js" {
  interface EventCatalog {
    "test.happened": { n: number; note?: string };
    "test.noted": { text: string };
  }
}

const NOW = new Date("2026-12-01T10:00:00.123Z");
const clock: Clock = { now: () => NOW };
const VIEWER_ID = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

interface Desk {
  orm: Orm;
  close(): Promise<void>;
}

/** The server's default: an embedded SQLite file (libsql), migrated like `initOrm` does at start. */
async function sqliteDesk(): Promise<Desk> {
  const dir = await mkdtemp(join(tmpdir(), "deskql-events-"));
  const orm = await initOrm(loadConfig({ NODE_ENV: "test", DATA_DIR: dir }));
  return {
    orm,
    close: async () => {
      await orm.close(true);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on the run's MariaDB (TEST_DATABASE_URL, or the throwaway server of tests/support). */
async function mariaDbDesk(): Promise<Desk> {
  const db = await createTestDatabase();
  // Room for every transaction of the concurrency test to hold its own connection.
  const orm = await initOrm(loadConfig({ NODE_ENV: "test", DATABASE_URL: db.url, DATABASE_POOL_MAX: "25" }));
  return {
    orm,
    close: async () => {
      await orm.close(true);
      await db.drop();
    },
  };
}

describe.each([
  // One connection: a reader outside an open transaction waits for it, so tests only read after it ended.
  { dialect: "SQLite (libsql)", open: sqliteDesk, concurrentReaders: false },
  { dialect: "MariaDB", open: mariaDbDesk, concurrentReaders: true },
])("domain events on $dialect", ({ open, concurrentReaders }) => {
  let desk: Desk;
  beforeAll(async () => {
    desk = await open();
  });
  afterAll(async () => {
    await desk?.close();
  });

  let requests = 0;
  /** A request's scope on its own EntityManager fork, with a request id that marks its rows. */
  function scopeOf(viewer: RequestScope["viewer"] = { userId: VIEWER_ID, role: Role.AGENT, sessionId: "s1" }): RequestScope {
    requests += 1;
    return createScope({
      em: desk.orm.em.fork(),
      viewer,
      request: { requestId: `req-${requests}-${Math.random().toString(36).slice(2)}`, ip: "127.0.0.1", userAgent: "vitest" },
      clock,
    });
  }

  /** A DomainEvents with a subscriber that writes twice (unit of work and a direct insert) and a commit listener. */
  function kernel() {
    const events = new DomainEvents(eventStore);
    const heard: { event: DomainEvent; inTransaction: boolean; emInTransaction: boolean }[] = [];
    const announced: CommittedEvent[][] = [];
    events.subscribe("test.happened", async (scope, event) => {
      heard.push({ event, inTransaction: events.inTransaction(scope), emInTransaction: scope.em.isInTransaction() });
      // Through the unit of work (written by the transaction's flush)...
      const audit = new AuditEvent();
      Object.assign(audit, { action: AuditAction.USER_CREATED, targetType: "Test", targetId: event.id, details: { n: (event.payload as { n: number }).n } });
      scope.em.persist(audit);
      // ...and straight to the database, inside the transaction.
      await scope.em.insert(Counter, { name: `test:${event.id}`, value: 1 });
    });
    events.onCommitted((batch) => announced.push([...batch]));
    return { events, heard, announced };
  }

  function happened(n: number, extra: Partial<NewEvent<"test.happened">> = {}): NewEvent<"test.happened"> {
    return { type: "test.happened", target: { type: "Test", id: `t-${n}` }, visibility: "STAFF", payload: { n }, ...extra };
  }

  /** An announced event as the table gives it back: every ref present, null when unset. */
  function asStored(event: CommittedEvent): CommittedEvent {
    return { ...event, refs: { ticketId: null, issueId: null, projectId: null, userId: null, ...event.refs } };
  }

  /** What a reader outside the transaction sees (its own fork, so its own connection on MariaDB). */
  async function stored(requestId: string) {
    const em = desk.orm.em.fork();
    const rows = await em.find(DomainEventRecord, { requestId }, { orderBy: { position: "asc" } });
    return rows.map(fromRecord);
  }
  async function subscriberWrites(eventIds: string[]) {
    const em = desk.orm.em.fork();
    const audits = await em.count(AuditEvent, { targetType: "Test", targetId: { $in: eventIds } });
    const counters = await em.count(Counter, { name: { $in: eventIds.map((id) => `test:${id}`) } });
    return { audits, counters };
  }
  async function lastPosition(): Promise<number> {
    const counter = await desk.orm.em.fork().findOneOrFail(Counter, { name: EVENT_POSITION_COUNTER });
    return Number(counter.value);
  }

  it("writes a committed transaction's events in raise order with consecutive positions, after its subscribers ran inside it", async () => {
    const { events, heard, announced } = kernel();
    const scope = scopeOf();
    const before = await lastPosition();
    let seenByOthersAtAnnounce: Promise<number> | undefined;
    events.onCommitted((batch) => {
      // A separate reader sees the rows the moment they are announced: the commit came first.
      seenByOthersAtAnnounce = desk.orm.em.fork().count(DomainEventRecord, { id: { $in: batch.map((e) => e.id) } });
    });

    const result = await events.transaction(scope, async (tx) => {
      expect(tx.em).not.toBe(scope.em);
      await events.raise(tx, happened(1, { refs: { ticketId: "0193a1b2-c3d4-7e5f-8a9b-000000000001" }, visibility: "PUBLIC" }));
      await events.raise(tx, { type: "test.noted", actorId: null, target: { type: "Note", id: "n-1" }, visibility: "ADMIN", payload: { text: "ünïcode ✓" } });
      await events.raise(tx, happened(2, { payload: { n: 2, note: "second" } }));
      expect(announced).toEqual([]);
      return "done";
    });

    expect(result).toBe("done");
    const rows = await stored(scope.request.requestId);
    expect(rows.map((e) => e.type)).toEqual(["test.happened", "test.noted", "test.happened"]);
    expect(rows.map((e) => e.position)).toEqual([before + 1, before + 2, before + 3]);
    expect(await lastPosition()).toBe(before + 3);
    expect(rows[0]).toMatchObject({
      actorId: VIEWER_ID,
      target: { type: "Test", id: "t-1" },
      refs: { ticketId: "0193a1b2-c3d4-7e5f-8a9b-000000000001", issueId: null, projectId: null, userId: null },
      visibility: "PUBLIC",
      payload: { n: 1 },
      requestId: scope.request.requestId,
    });
    expect(rows[0]!.occurredAt.toISOString()).toBe(NOW.toISOString());
    expect(rows[1]).toMatchObject({ actorId: null, visibility: "ADMIN", payload: { text: "ünïcode ✓" } });

    // Subscribers heard each of their events at once, inside the transaction, and their writes committed with it.
    expect(heard.map((h) => h.event.id)).toEqual([rows[0]!.id, rows[2]!.id]);
    expect(heard.every((h) => h.inTransaction && h.emInTransaction)).toBe(true);
    expect(await subscriberWrites([rows[0]!.id, rows[2]!.id])).toEqual({ audits: 2, counters: 2 });

    // Announced once, after the commit, with the stored positions.
    expect(announced).toHaveLength(1);
    expect(announced[0]!.map(asStored)).toEqual(rows);
    expect(await seenByOthersAtAnnounce).toBe(3);
  });

  it("leaves no event, none of its subscribers' writes and no announcement when the transaction throws", async () => {
    const { events, heard, announced } = kernel();
    const scope = scopeOf();
    const before = await lastPosition();

    await expect(
      events.transaction(scope, async (tx) => {
        await events.raise(tx, happened(1));
        await events.raise(tx, happened(2));
        await tx.em.flush(); // the subscribers' writes reached the database before the failure
        throw new Error("the change failed after raising");
      }),
    ).rejects.toThrow("the change failed after raising");

    expect(heard).toHaveLength(2);
    expect(await stored(scope.request.requestId)).toEqual([]);
    expect(await subscriberWrites(heard.map((h) => h.event.id))).toEqual({ audits: 0, counters: 0 });
    expect(await lastPosition()).toBe(before);
    expect(announced).toEqual([]);
  });

  it("rolls back the change and the events when a subscriber throws", async () => {
    const { events, heard, announced } = kernel();
    events.subscribe("test.noted", () => {
      throw new Error("a subscriber refused");
    });
    const scope = scopeOf();

    await expect(
      events.transaction(scope, async (tx) => {
        await events.raise(tx, happened(1));
        await events.raise(tx, { type: "test.noted", target: { type: "Note", id: "n" }, visibility: "STAFF", payload: { text: "no" } });
      }),
    ).rejects.toThrow("a subscriber refused");

    expect(await stored(scope.request.requestId)).toEqual([]);
    expect(await subscriberWrites(heard.map((h) => h.event.id))).toEqual({ audits: 0, counters: 0 });
    expect(announced).toEqual([]);
  });

  it("refuses an event raised outside a transaction, or through a scope that is not the transaction's", async () => {
    const { events, heard } = kernel();
    const scope = scopeOf();
    await expect(events.raise(scope, happened(1))).rejects.toThrow(/outside a transaction/);

    await expect(
      events.transaction(scope, async () => {
        // The request's own scope, not `tx`: its EntityManager is outside the transaction.
        await events.raise(scope, happened(2));
      }),
    ).rejects.toThrow(/outside a transaction/);
    expect(heard).toEqual([]);
    expect(await stored(scope.request.requestId)).toEqual([]);
  });

  it("lets a nested transaction join the outer one: one commit, one announcement, positions in raise order", async () => {
    const { events, announced } = kernel();
    const scope = scopeOf();
    const before = await lastPosition();

    await events.transaction(scope, async (tx) => {
      await events.raise(tx, happened(1));
      await events.transaction(tx, async (inner) => {
        expect(inner.em).toBe(tx.em);
        await events.raise(inner, happened(2));
      });
      // The inner transaction returned, but nothing is committed or announced yet.
      expect(announced).toEqual([]);
      if (concurrentReaders) expect(await stored(scope.request.requestId)).toEqual([]);
      await events.raise(tx, happened(3));
    });

    const rows = await stored(scope.request.requestId);
    expect(rows.map((e) => e.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(rows.map((e) => e.position)).toEqual([before + 1, before + 2, before + 3]);
    expect(announced.map((batch) => batch.map(asStored))).toEqual([rows]);
  });

  it("rolls back the outer transaction's events when a nested one throws through it", async () => {
    const { events, heard, announced } = kernel();
    const scope = scopeOf();

    await expect(
      events.transaction(scope, async (tx) => {
        await events.raise(tx, happened(1));
        await events.transaction(tx, async (inner) => {
          await events.raise(inner, happened(2));
          throw new Error("inner failed");
        });
      }),
    ).rejects.toThrow("inner failed");

    expect(await stored(scope.request.requestId)).toEqual([]);
    expect(await subscriberWrites(heard.map((h) => h.event.id))).toEqual({ audits: 0, counters: 0 });
    expect(announced).toEqual([]);
  });

  it("refuses to open inside a plain ORM transaction, whose commit it could not wait for before announcing", async () => {
    const { events, heard, announced } = kernel();
    const scope = scopeOf();

    await expect(
      scope.em.transactional(async (em) => {
        await events.transaction({ ...scope, em }, async (tx) => {
          await events.raise(tx, happened(1));
        });
      }),
    ).rejects.toThrow(/inside a transaction it did not open/);

    expect(heard).toEqual([]);
    expect(await stored(scope.request.requestId)).toEqual([]);
    expect(announced).toEqual([]);
  });

  it("keeps the committed result when a commit listener throws, and logs it", async () => {
    const { events, announced } = kernel();
    const logged: object[] = [];
    events.log = { error: (details) => logged.push(details) };
    events.onCommitted(() => {
      throw new Error("listener broke");
    });
    const scope = scopeOf();

    await expect(events.transaction(scope, async (tx) => (await events.raise(tx, happened(1))).id)).resolves.toBeTypeOf("string");
    expect(announced).toHaveLength(1);
    expect(logged).toHaveLength(1);
    expect(await stored(scope.request.requestId)).toHaveLength(1);
  });

  it("gives concurrent transactions distinct, gap-free positions, each transaction's events consecutive", async () => {
    const { events, announced } = kernel();
    const before = await lastPosition();
    const scopes = Array.from({ length: 20 }, () => scopeOf());

    await Promise.all(
      scopes.map((scope, i) =>
        events.transaction(scope, async (tx) => {
          await events.raise(tx, happened(i * 10 + 1));
          // Yield between raises so the transactions interleave.
          await tx.em.getConnection().execute("select 1", [], "all", tx.em.getTransactionContext());
          await events.raise(tx, happened(i * 10 + 2));
        }),
      ),
    );

    const positions = announced.flat().map((e) => e.position);
    expect(positions).toHaveLength(40);
    expect([...positions].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => before + 1 + i));
    for (const batch of announced) {
      expect(batch).toHaveLength(2);
      expect(batch[1]!.position).toBe(batch[0]!.position + 1);
      expect(batch.map((e) => (e.payload as { n: number }).n % 10)).toEqual([1, 2]);
    }
    expect(await lastPosition()).toBe(before + 40);

    // The whole table is one gap-free run from 1: a reader can use a position as its cursor.
    const all = await desk.orm.em.fork().find(DomainEventRecord, {}, { orderBy: { position: "asc" }, fields: ["position"] });
    expect(all.map((r) => Number(r.position))).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    for (const scope of scopes) expect(await stored(scope.request.requestId)).toHaveLength(2);
  });
});
