import type { DomainEvents } from "../../core/events/domain-events.js";
import { isStaff } from "../../core/identity.js";
import { Comment } from "../comments/comment.entity.js";
import { managersOf } from "../organisations/organisation.access.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { TicketStatus } from "../tickets/ticket.enums.js";
import { enqueueTicketNotification } from "./ticket-notifications.js";

/**
 * Ticket emails (issue #6), queued by subscribers in the transaction of the change, so a
 * rolled-back reply sends nothing: a public reply by an agent or admin goes to the requester, a
 * public reply by anyone else (the customer) to the assignee, and a resolution to the requester.
 * The requester's organisation managers get the desk's public replies too.
 * Internal notes send nothing. `publicUrl`: the web client, for the ticket's link.
 */
export function subscribeTicketMail(events: DomainEvents, publicUrl: string): void {
  const link = (ticketId: string) => `${publicUrl.replace(/\/$/, "")}/#/tickets/${ticketId}`;

  events.subscribe("comment.added", async (tx, event) => {
    const { ticket, internal, authorRole } = event.payload;
    const ticketId = event.refs.ticketId;
    if (!ticket || !ticketId || internal) return;
    const byStaff = isStaff(authorRole);
    // The desk's public replies also go to the managers of the requester's organisations, who follow its tickets.
    const recipientIds = byStaff ? [ticket.requesterId, ...(await managersOf(tx.em, ticket.requesterId))] : [ticket.assigneeId];
    if (recipientIds.every((id) => !id || id === event.actorId)) return;
    // Written in this transaction: the identity map has it, no query. (The event leaves the body out.)
    const comment = await tx.em.findOne(Comment, { id: event.target.id });
    for (const recipientId of recipientIds) {
      await enqueueTicketNotification(tx.em, {
        kind: byStaff ? "AGENT_REPLY" : "CUSTOMER_REPLY",
        ticket,
        link: link(ticketId),
        ticketId,
        recipientId,
        actorId: event.actorId,
        body: comment?.body ?? "",
      });
    }
  });

  events.subscribe("ticket.transitioned", async (tx, event) => {
    if (event.payload.to !== TicketStatus.RESOLVED) return;
    // The transition's own ticket, from the identity map.
    const ticket = await tx.em.findOne(Ticket, { id: event.target.id });
    if (!ticket) return;
    await enqueueTicketNotification(tx.em, { kind: "TICKET_RESOLVED", ticket, ticketId: ticket.id, link: link(ticket.id), recipientId: ticket.requester.id, actorId: event.actorId });
  });
}
