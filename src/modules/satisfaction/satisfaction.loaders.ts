import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory } from "../../core/loaders.js";
import { TicketSatisfaction } from "./ticket-satisfaction.entity.js";

/** Each ticket's rating, or null; one batched query. */
export const satisfactionByTicket: LoaderFactory<DataLoader<string, TicketSatisfaction | null>> = (em: EntityManager) =>
  new DataLoader(async (ticketIds) => {
    const rows = await em.find(TicketSatisfaction, { ticket: { $in: [...ticketIds] } });
    const byTicket = new Map(rows.map((r) => [r.ticket.id, r]));
    return ticketIds.map((id) => byTicket.get(id) ?? null);
  });
