import type { DomainEvents } from "../../core/events/domain-events.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";
import { button, html, layout } from "./mail.html.js";
import { enqueueMail } from "./outbox.js";
import { oneLine } from "./ticket-mail.templates.js";

/**
 * A merge of duplicate tickets (ticket.merged), mailed to both requesters in the merge's
 * transaction, each with the ticket that lives on: the duplicate's requester learns where the
 * conversation went on, the target's that another request joined theirs. One mail when both are
 * the same person; deactivated requesters and the person who merged are not mailed.
 */
export function subscribeTicketMergeMail(events: DomainEvents, publicUrl: string): void {
  events.subscribe("ticket.merged", async (tx, event) => {
    const p = event.payload;
    const target = await tx.em.findOne(Ticket, { id: event.target.id });
    if (!target) return;
    const link = `${publicUrl.replace(/\/$/, "")}/#/tickets/${target.id}`;
    const recipients = [...new Set([p.sourceRequesterId, p.targetRequesterId])].filter((id) => id !== event.actorId);
    const users = recipients.length ? await tx.em.find(User, { id: { $in: recipients } }) : [];
    for (const user of users) {
      if (user.deactivatedAt) continue;
      const subject = `[#${target.number}] Merged: ${oneLine(target.subject)}`;
      const line =
        user.id === p.sourceRequesterId
          ? `Your ticket #${p.sourceNumber} duplicated #${target.number} "${oneLine(target.subject)}" and was merged into it: its conversation and files are there now, and the desk goes on there.`
          : `Ticket #${p.sourceNumber} duplicated your ticket #${target.number} and was merged into it.`;
      enqueueMail(tx.em, {
        to: user.email,
        kind: "TICKET_MERGED",
        subject,
        text: [`Hello ${user.displayName},`, "", line, "", `View the ticket: ${link}`].join("\n"),
        html: layout(subject, html`<p>Hello ${user.displayName},</p><p>${line}</p>${button(link, "View the ticket")}`),
        ticketId: target.id,
        host: new URL(link).hostname,
      });
    }
  });
}
