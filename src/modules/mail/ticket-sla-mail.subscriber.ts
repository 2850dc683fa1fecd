import type { DomainEvents } from "../../core/events/domain-events.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";
import { button, html, layout } from "./mail.html.js";
import { enqueueMail } from "./outbox.js";
import { oneLine } from "./ticket-mail.templates.js";


/**
 * SLA escalation mails (ticket.sla_at_risk, ticket.sla_breached, raised once per ticket and target
 * by the escalation job): to the assignee when the policy says notify-assignee, and to every
 * address it names with notify:<email>, in the event's transaction, so a unit that rolls back
 * sends nothing. Deactivated assignees are not mailed.
 */
export function subscribeTicketSlaMail(events: DomainEvents, publicUrl: string): void {
  for (const type of ["ticket.sla_at_risk", "ticket.sla_breached"] as const) {
    events.subscribe(type, async (tx, event) => {
      const ticket = await tx.em.findOne(Ticket, { id: event.target.id });
      if (!ticket) return;
      const recipients = new Set(event.payload.notify);
      if (event.payload.notifyAssignee && ticket.assignee) {
        const assignee = await tx.em.findOne(User, { id: ticket.assignee.id });
        if (assignee && !assignee.deactivatedAt) recipients.add(assignee.email);
      }
      const link = `${publicUrl.replace(/\/$/, "")}/#/tickets/${ticket.id}`;
      const target = event.payload.phase === "FIRST_RESPONSE" ? "first response" : "resolution";
      const due = event.payload.dueAt.replace("T", " ").slice(0, 16);
      const breached = type === "ticket.sla_breached";
      const subject = `[#${ticket.number}] SLA ${breached ? "breached" : "at risk"}: ${oneLine(ticket.subject)}`;
      const line = breached
        ? `The ${target} target of ticket #${ticket.number} was missed (due ${due} UTC).`
        : `The ${target} target of ticket #${ticket.number} is at risk: it is due ${due} UTC.`;
      const done = event.payload.actions.filter((a) => !a.startsWith("notify")).join(", ");
      for (const to of recipients) {
        enqueueMail(tx.em, {
          to,
          kind: breached ? "TICKET_SLA_BREACHED" : "TICKET_SLA_AT_RISK",
          subject,
          text: [line, ...(done ? ["", `Escalation: ${done}.`] : []), "", `Open the ticket: ${link}`].join("\n"),
          html: layout(subject, html`<p>${line}</p>${done ? html`<p>Escalation: ${done}.</p>` : ""}${button(link, "Open the ticket")}`),
        });
      }
    });
  }
}
