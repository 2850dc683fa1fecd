import { raw, type EntityManager } from "@mikro-orm/core";
import { Counter } from "./counter.entity.js";

const TICKET_COUNTER = "ticket";

/**
 * Takes the desk's next ticket number inside the creating transaction. The UPDATE is atomic and
 * holds the counter row's lock until commit, so concurrent creators queue up and get distinct,
 * gap-free numbers on MySQL (a rolled-back create gives its number back); SQLite serializes
 * writers anyway. The row is created on first use; losing that race to another first creator
 * only means our insert is ignored and the UPDATE below finds their row.
 */
export async function takeTicketNumber(tx: EntityManager): Promise<number> {
  let updated = await tx.nativeUpdate(Counter, { name: TICKET_COUNTER }, { value: raw("value + 1") });
  if (!updated) {
    await tx.upsert(Counter, { name: TICKET_COUNTER, value: 0 }, { onConflictAction: "ignore", onConflictFields: ["name"] });
    updated = await tx.nativeUpdate(Counter, { name: TICKET_COUNTER }, { value: raw("value + 1") });
  }
  const counter = await tx.findOneOrFail(Counter, { name: TICKET_COUNTER }, { refresh: true, fields: ["value"] });
  return counter.value;
}
