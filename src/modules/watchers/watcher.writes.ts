import type { EntityManager as SqlEntityManager } from "@mikro-orm/knex";
import { v7 as uuidv7 } from "uuid";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { RequestScope } from "../../core/scope.js";
import { TicketWatcher } from "./ticket-watcher.entity.js";
import { watchersByTicket } from "./watcher.batch.js";
import { watcherEvent } from "./watcher.events.js";

/**
 * Makes `userId` a watcher of the ticket inside the scope's open transaction, raising
 * ticket.watched only when they were not one already. An insert that ignores the unique pair
 * decides, so two concurrent watches (or a watch and a mention) never fail on each other.
 */
export async function addWatcher(
  events: DomainEvents,
  tx: RequestScope,
  ticketId: string,
  userId: string,
  addedById: string | null,
  reason: "SELF" | "ADDED" | "MENTIONED" | "MERGED",
): Promise<boolean> {
  const now = tx.clock.now();
  const result = await (tx.em as SqlEntityManager)
    .createQueryBuilder(TicketWatcher)
    .insert({ id: uuidv7(), ticket: ticketId, user: userId, addedBy: addedById, createdAt: now, updatedAt: now })
    .onConflict(["ticket", "user"])
    .ignore()
    .execute("run");
  if (!result.affectedRows) return false;
  watchersByTicket.forget(tx.em, ticketId);
  await events.raise(tx, { type: "ticket.watched", ...watcherEvent({ id: ticketId }), payload: { userId, reason } });
  return true;
}
