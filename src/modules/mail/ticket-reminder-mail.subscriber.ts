import type { DomainEvents } from "../../core/events/domain-events.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";
import { button, html, layout } from "./mail.html.js";
import { enqueueMail } from "./outbox.js";
import { oneLine } from "./ticket-mail.templates.js";


/**
 * The life cycle's reminders (ticket.reminded, raised by the life cycle jobs), mailed to the
 * requester in the reminder's transaction: a job unit that rolls back sends nothing, and one that
 * commits sends exactly one mail. Deactivated requesters are not mailed.
 */
export function subscribeTicketReminderMail(events: DomainEvents, publicUrl: string): void {
  events.subscribe("ticket.reminded", async (tx, event) => {
    const [ticket, recipient] = await Promise.all([tx.em.findOne(Ticket, { id: event.target.id }), tx.em.findOne(User, { id: event.payload.requesterId })]);
    if (!ticket || !recipient || recipient.deactivatedAt) return;
    const link = `${publicUrl.replace(/\/$/, "")}/#/tickets/${ticket.id}`;
    const closing = event.payload.kind === "CLOSE_PENDING";
    const subject = closing ? `[#${ticket.number}] Will close soon: ${oneLine(ticket.subject)}` : `[#${ticket.number}] Waiting for your answer: ${oneLine(ticket.subject)}`;
    const line = closing
      ? `Your ticket #${ticket.number} was resolved and will close on ${event.payload.closesAt?.slice(0, 10)} unless you reply.`
      : `We are waiting for your answer on ticket #${ticket.number} before we can go on.`;
    enqueueMail(tx.em, {
        to: recipient.email,
        kind: "TICKET_REMINDER",
        subject,
        text: [`Hello ${recipient.displayName},`, "", line, "", `View and answer: ${link}`].join("\n"),
        html: layout(subject, html`<p>Hello ${recipient.displayName},</p><p>${line}</p>${button(link, "View the ticket")}`),
      },
    );
  });
}
