import type { DomainEvents } from "../../core/events/domain-events.js";
import { button, html, layout } from "../mail/mail.html.js";
import { NotificationPreferences } from "../mail/notification-preferences.entity.js";
import { enqueueMail } from "../mail/outbox.js";
import { oneLine } from "../mail/ticket-mail.templates.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { TicketStatus } from "../tickets/ticket.enums.js";
import { User } from "../users/user.entity.js";

/**
 * A resolved ticket that closes on its own (the life cycle's auto-close: no actor) tells its
 * requester, with a link to rate the help they got (`?rate=1` opens the rating on the ticket).
 * Sent in the closing's transaction, outside the ticket's mail thread (a closed ticket takes no
 * replies); it follows the requester's "ticket resolved" setting.
 */
export function subscribeSatisfactionMail(events: DomainEvents, publicUrl: string): void {
  events.subscribe("ticket.transitioned", async (tx, event) => {
    const { from, to } = event.payload;
    if (to !== TicketStatus.CLOSED || from !== TicketStatus.RESOLVED || event.actorId !== null) return;
    const ticket = await tx.em.findOne(Ticket, { id: event.target.id });
    if (!ticket) return;
    const [requester, prefs] = await Promise.all([tx.em.findOne(User, { id: ticket.requester.id }), tx.em.findOne(NotificationPreferences, { user: ticket.requester.id })]);
    if (!requester || requester.deactivatedAt || (prefs && !prefs.ticketResolved)) return;
    const base = `${publicUrl.replace(/\/$/, "")}/#/tickets/${ticket.id}`;
    const rateLink = `${base}?rate=1`;
    const subject = `[#${ticket.number}] Closed: ${oneLine(ticket.subject)}`;
    const line = `Your ticket #${ticket.number} "${oneLine(ticket.subject)}" was resolved and has now been closed.`;
    const ask = "How did we do? Rate our help from 1 to 5; it takes a few seconds.";
    enqueueMail(tx.em, {
      to: requester.email,
      kind: "TICKET_CLOSED",
      subject,
      text: [`Hello ${requester.displayName},`, "", line, "", ask, `Rate it: ${rateLink}`].join("\n"),
      html: layout(subject, html`<p>Hello ${requester.displayName},</p><p>${line}</p><p>${ask}</p>${button(rateLink, "Rate our help")}`),
    });
  });
}
