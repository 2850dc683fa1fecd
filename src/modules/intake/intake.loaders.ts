import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory } from "../../core/loaders.js";
import { InboundMail } from "./inbound-mail.entity.js";
import { InboundMailStatus } from "./inbound-mail.enums.js";

/** Whether each comment (by id) came by email; one query per request's batch. */
export const commentCameByEmail: LoaderFactory<DataLoader<string, boolean>> = (em: EntityManager) =>
  new DataLoader(async (ids) => {
    const rows = await em.find(InboundMail, { commentId: { $in: [...ids] }, status: InboundMailStatus.PROCESSED }, { fields: ["commentId"], disableIdentityMap: true });
    const found = new Set(rows.map((r) => r.commentId));
    return ids.map((id) => found.has(id));
  });

/** Whether each ticket (by id) was opened by email; one query per request's batch. */
export const ticketCameByEmail: LoaderFactory<DataLoader<string, boolean>> = (em: EntityManager) =>
  new DataLoader(async (ids) => {
    const rows = await em.find(InboundMail, { ticketId: { $in: [...ids] }, commentId: null, status: InboundMailStatus.PROCESSED }, { fields: ["ticketId"], disableIdentityMap: true });
    const found = new Set(rows.map((r) => r.ticketId));
    return ids.map((id) => found.has(id));
  });
