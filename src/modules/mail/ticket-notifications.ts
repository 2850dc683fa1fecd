import type { EntityManager } from "@mikro-orm/core";
import { User } from "../users/user.entity.js";
import { NotificationPreferences, type NotificationSetting } from "./notification-preferences.entity.js";
import { enqueueMail } from "./outbox.js";
import { replyMail, resolvedMail } from "./ticket-mail.templates.js";

export type TicketNotificationKind = "AGENT_REPLY" | "CUSTOMER_REPLY" | "TICKET_RESOLVED";

export interface TicketNotification {
  /** AGENT_REPLY: a public agent reply, to the requester; CUSTOMER_REPLY: to the assignee; TICKET_RESOLVED: to the requester. */
  kind: TicketNotificationKind;
  ticket: { number: number; subject: string };
  /** The ticket in the web client. */
  link: string;
  /** Who receives it (requester or assignee); nothing is sent for null. */
  recipientId: string | null;
  /** Who caused it: nobody is emailed about their own action. */
  actorId: string | null;
  /** The reply's text (AGENT_REPLY, CUSTOMER_REPLY). */
  body?: string;
  /** The ticket's id: the email then carries a Message-ID of its own in the ticket's thread, so replies to it become comments. */
  ticketId?: string;
}

const SETTING: Record<TicketNotificationKind, NotificationSetting> = {
  AGENT_REPLY: "ticketReplies",
  CUSTOMER_REPLY: "assignedTicketReplies",
  TICKET_RESOLVED: "ticketResolved",
};

/**
 * Queues a ticket email on `em`, in the caller's transaction (so a rolled-back reply sends
 * nothing), unless the recipient is the actor, is deactivated, or switched this kind off.
 */
export async function enqueueTicketNotification(em: EntityManager, n: TicketNotification): Promise<void> {
  if (!n.recipientId || n.recipientId === n.actorId) return;
  const [recipient, prefs, actor] = await Promise.all([
    em.findOne(User, { id: n.recipientId }),
    em.findOne(NotificationPreferences, { user: n.recipientId }),
    n.kind === "TICKET_RESOLVED" || !n.actorId ? null : em.findOne(User, { id: n.actorId }),
  ]);
  if (!recipient || recipient.deactivatedAt) return;
  if (prefs && !prefs[SETTING[n.kind]]) return;
  const facts = { number: n.ticket.number, subject: n.ticket.subject, link: n.link, recipientName: recipient.displayName };
  const content =
    n.kind === "TICKET_RESOLVED"
      ? resolvedMail(facts)
      : replyMail({ ...facts, authorName: actor?.displayName ?? "Someone", body: n.body ?? "", toAssignee: n.kind === "CUSTOMER_REPLY" });
  const thread = n.ticketId ? { ticketId: n.ticketId, host: new URL(n.link).hostname } : {};
  enqueueMail(em, { to: recipient.email, kind: n.kind === "TICKET_RESOLVED" ? "TICKET_RESOLVED" : "TICKET_REPLY", ...content, ...thread });
}
