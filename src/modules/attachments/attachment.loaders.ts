import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory } from "../../core/loaders.js";
import { Attachment } from "./attachment.entity.js";

/** The attachments of each ticket, comment or issue (by its id), oldest first; one query per request's batch. */
export const attachmentsByParent: LoaderFactory<DataLoader<string, Attachment[]>> = (em: EntityManager) =>
  new DataLoader(async (parentIds) => {
    const rows = await em.find(Attachment, { parentId: { $in: [...parentIds] } }, { orderBy: { createdAt: "ASC", id: "ASC" }, disableIdentityMap: true });
    const byParent = new Map<string, Attachment[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) byParent.get(row.parentId!)?.push(row);
    return parentIds.map((id) => byParent.get(id)!);
  });
