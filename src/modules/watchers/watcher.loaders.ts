import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory } from "../../core/loaders.js";
import type { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { TicketCc } from "./ticket-cc.entity.js";
import { TicketWatcher } from "./ticket-watcher.entity.js";

/** The watchers of each ticket, in the order they started; one batched query with the users joined (and primed). */
export const watchersByTicket: LoaderFactory<DataLoader<string, User[]>> = (em: EntityManager, loaders) =>
  new DataLoader(async (ticketIds) => {
    const rows = await em.find(TicketWatcher, { ticket: { $in: [...ticketIds] } }, { populate: ["user"], orderBy: { createdAt: "ASC", id: "ASC" } });
    const byTicket = new Map<string, User[]>(ticketIds.map((id) => [id, []]));
    const users = loaders.get(usersById);
    for (const row of rows) {
      const user = row.user.getEntity();
      users.prime(user.id, user);
      byTicket.get(row.ticket.id)?.push(user);
    }
    return ticketIds.map((id) => byTicket.get(id)!);
  });

/** The CC addresses of each ticket, alphabetically; one batched query. */
export const ccsByTicket: LoaderFactory<DataLoader<string, TicketCc[]>> = (em: EntityManager) =>
  new DataLoader(async (ticketIds) => {
    const rows = await em.find(TicketCc, { ticket: { $in: [...ticketIds] } }, { orderBy: { email: "ASC" } });
    const byTicket = new Map<string, TicketCc[]>(ticketIds.map((id) => [id, []]));
    for (const row of rows) byTicket.get(row.ticket.id)?.push(row);
    return ticketIds.map((id) => byTicket.get(id)!);
  });
