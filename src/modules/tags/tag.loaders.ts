import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory } from "../../core/loaders.js";
import { READ_ONLY } from "../../core/writes.js";
import { IssueTag, type Tag, TicketTag } from "./tag.entity.js";

/** The tags of each ticket, by name; one batched query with the tags joined. */
export const tagsByTicket: LoaderFactory<DataLoader<string, Tag[]>> = (em: EntityManager) =>
  new DataLoader(async (ticketIds) => {
    const rows = await em.find(TicketTag, { ticket: { $in: [...ticketIds] } }, { populate: ["tag"], orderBy: { tag: { normalized: "ASC" } }, ...READ_ONLY });
    const byTicket = new Map<string, Tag[]>(ticketIds.map((id) => [id, []]));
    for (const row of rows) byTicket.get(row.ticket.id)?.push(row.tag.getEntity());
    return ticketIds.map((id) => byTicket.get(id)!);
  });

/** The tags of each issue, by name; one batched query with the tags joined. */
export const tagsByIssue: LoaderFactory<DataLoader<string, Tag[]>> = (em: EntityManager) =>
  new DataLoader(async (issueIds) => {
    const rows = await em.find(IssueTag, { issue: { $in: [...issueIds] } }, { populate: ["tag"], orderBy: { tag: { normalized: "ASC" } }, ...READ_ONLY });
    const byIssue = new Map<string, Tag[]>(issueIds.map((id) => [id, []]));
    for (const row of rows) byIssue.get(row.issue.id)?.push(row.tag.getEntity());
    return issueIds.map((id) => byIssue.get(id)!);
  });
