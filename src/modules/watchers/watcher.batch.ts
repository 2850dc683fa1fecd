import type { EntityManager } from "@mikro-orm/core";
import { TicketBatchCache } from "../../core/batch-hint.js";
import type { User } from "../users/user.entity.js";
import { TicketCc } from "./ticket-cc.entity.js";
import { TicketWatcher } from "./ticket-watcher.entity.js";

function groupBy<R, T>(rows: R[], key: (row: R) => string, value: (row: R) => T): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(value(row));
    else groups.set(key(row), [value(row)]);
  }
  return groups;
}

/**
 * A ticket's watchers (oldest first) and CC'd addresses (by address), read once per transaction
 * and, in a bulk change, for every ticket of the batch at once (core/batch-hint.ts): the mail
 * subscriber asks on every comment and status change. Writes in the same transaction forget them.
 */
export const watchersByTicket = new TicketBatchCache<User[]>(async (em: EntityManager, ticketIds) => {
  const rows = await em.find(TicketWatcher, { ticket: { $in: ticketIds } }, { populate: ["user"], orderBy: { createdAt: "ASC", id: "ASC" } });
  return groupBy(rows, (r) => r.ticket.id, (r) => r.user.getEntity());
}, () => []);

export const ccsByTicket = new TicketBatchCache<TicketCc[]>(async (em: EntityManager, ticketIds) => {
  const rows = await em.find(TicketCc, { ticket: { $in: ticketIds } }, { orderBy: { email: "ASC" } });
  return groupBy(rows, (r) => r.ticket.id, (r) => r);
}, () => []);
