import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory } from "../../core/loaders.js";
import { Ticket } from "./ticket.entity.js";

/** Tickets by id (no visibility check: callers decide what to reveal), one `IN (...)` per batch. */
export const ticketsById: LoaderFactory<DataLoader<string, Ticket | null>> = (em: EntityManager) =>
  new DataLoader(async (ids) => {
    const tickets = await em.find(Ticket, { id: { $in: [...ids] } });
    const byId = new Map(tickets.map((t) => [t.id, t]));
    return ids.map((id) => byId.get(id) ?? null);
  });
