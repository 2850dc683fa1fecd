import { raw, type EntityManager } from "@mikro-orm/core";
import { Counter } from "../../db/counter.entity.js";

const TICKET_COUNTER = "ticket";

/** Databases (by driver instance) known to hold the counter row. */
const ready = new WeakSet<object>();

/**
 * Creates the counter row if it is missing, outside any transaction and once per database.
 * Creating it inside the creating transaction would let two first creators take gap locks and
 * deadlock on MySQL; an autocommitted INSERT IGNORE (ON CONFLICT DO NOTHING) cannot.
 */
export async function ensureTicketCounter(em: EntityManager): Promise<void> {
  const driver = em.getDriver();
  if (ready.has(driver)) return;
  const row = { name: TICKET_COUNTER, value: 0 };
  if (em.isInTransaction()) {
    // A caller's own transaction (a seeder, a service composing writes) holds the only SQLite
    // connection, so a second one would wait for it forever: insert through it, and remember
    // nothing, as it may still roll back.
    await em.fork({ keepTransactionContext: true }).upsert(Counter, row, { onConflictAction: "ignore", onConflictFields: ["name"] });
    return;
  }
  await em.fork().upsert(Counter, row, { onConflictAction: "ignore", onConflictFields: ["name"] });
  ready.add(driver);
}

/**
 * Takes the desk's next ticket number inside the creating transaction (after ensureTicketCounter).
 * The UPDATE is atomic and holds the counter row's lock until commit, so concurrent creators
 * queue up and get distinct, gap-free numbers on MySQL (a rolled-back create gives its number
 * back); SQLite serializes writers anyway.
 */
export async function takeTicketNumber(tx: EntityManager): Promise<number> {
  const updated = await tx.nativeUpdate(Counter, { name: TICKET_COUNTER }, { value: raw("value + 1") });
  if (!updated) throw new Error("The ticket counter row is missing; ensureTicketCounter() must run first.");
  const counter = await tx.findOneOrFail(Counter, { name: TICKET_COUNTER }, { refresh: true, fields: ["value"] });
  return counter.value;
}
