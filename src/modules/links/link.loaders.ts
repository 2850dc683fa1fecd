import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory } from "../../core/loaders.js";
import type { Issue } from "../issues/issue.entity.js";
import type { Ticket } from "../tickets/ticket.entity.js";
import { TicketIssueLink } from "./ticket-issue-link.entity.js";

/** The tickets linked to each issue, in linking order; one batched query with the tickets joined. */
export const linkedTicketsByIssue: LoaderFactory<DataLoader<string, Ticket[]>> = (em: EntityManager) =>
  new DataLoader(async (issueIds) => {
    const links = await em.find(TicketIssueLink, { issue: { $in: [...issueIds] } }, { populate: ["ticket"], orderBy: { createdAt: "ASC", id: "ASC" } });
    const byIssue = new Map<string, Ticket[]>(issueIds.map((id) => [id, []]));
    for (const link of links) byIssue.get(link.issue.id)?.push(link.ticket.getEntity());
    return issueIds.map((id) => byIssue.get(id)!);
  });

/** The issues linked to each ticket, in linking order; one batched query with the issues joined. */
export const linkedIssuesByTicket: LoaderFactory<DataLoader<string, Issue[]>> = (em: EntityManager) =>
  new DataLoader(async (ticketIds) => {
    const links = await em.find(TicketIssueLink, { ticket: { $in: [...ticketIds] } }, { populate: ["issue"], orderBy: { createdAt: "ASC", id: "ASC" } });
    const byTicket = new Map<string, Issue[]>(ticketIds.map((id) => [id, []]));
    for (const link of links) byTicket.get(link.ticket.id)?.push(link.issue.getEntity());
    return ticketIds.map((id) => byTicket.get(id)!);
  });
