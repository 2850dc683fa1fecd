import type { EntityManager } from "@mikro-orm/core";
import { User } from "../users/user.entity.js";
import { isStaff, type Role } from "../users/user.role.js";
import { NotificationPreferences, type NotificationSetting } from "./notification-preferences.entity.js";
import { enqueueMail } from "./outbox.js";
import { replyMail, resolvedMail } from "./ticket-mail.templates.js";

export type TicketNotificationKind = "AGENT_REPLY" | "CUSTOMER_REPLY" | "TICKET_RESOLVED";

export interface TicketNotification {
  /** AGENT_REPLY: a public agent reply, to the requester; CUSTOMER_REPLY: to the assignee; TICKET_RESOLVED: to the requester. */
  kind: TicketNotificationKind;
  ticket: { id: string; number: number; subject: string };
  /** Who receives it (requester or assignee); nothing is sent for null. */
  recipientId: string | null;
  /** Who caused it: nobody is emailed about their own action. */
  actorId: string;
  /** The reply's text (AGENT_REPLY, CUSTOMER_REPLY). */
  body?: string;
}

const SETTING: Record<TicketNotificationKind, NotificationSetting> = {
  AGENT_REPLY: "ticketReplies",
  CUSTOMER_REPLY: "assignedTicketReplies",
  TICKET_RESOLVED: "ticketResolved",
};

/** The web client's address, set once at start (createAccessServices) so callers need not pass it. */
let clientUrl = "https://localhost:4000";
export function setTicketLinkBase(publicUrl: string): void {
  clientUrl = publicUrl.replace(/\/$/, "");
}

/**
 * Queues a ticket email on `em`, in the caller's transaction (so a rolled-back reply sends
 * nothing), unless the recipient is the actor, is deactivated, or switched this kind off.
 * Called by the tickets and comments services.
 */
export async function enqueueTicketNotification(em: EntityManager, n: TicketNotification): Promise<void> {
  if (!n.recipientId || n.recipientId === n.actorId) return;
  const [recipient, prefs, actor] = await Promise.all([
    em.findOne(User, { id: n.recipientId }),
    em.findOne(NotificationPreferences, { user: n.recipientId }),
    n.kind === "TICKET_RESOLVED" ? null : em.findOne(User, { id: n.actorId }),
  ]);
  if (!recipient || recipient.deactivatedAt) return;
  if (prefs && !prefs[SETTING[n.kind]]) return;
  const facts = { number: n.ticket.number, subject: n.ticket.subject, link: `${clientUrl}/#/tickets/${n.ticket.id}`, recipientName: recipient.displayName };
  const content =
    n.kind === "TICKET_RESOLVED"
      ? resolvedMail(facts)
      : replyMail({ ...facts, authorName: actor?.displayName ?? "Someone", body: n.body ?? "", toAssignee: n.kind === "CUSTOMER_REPLY" });
  enqueueMail(em, { to: recipient.email, kind: n.kind === "TICKET_RESOLVED" ? "TICKET_RESOLVED" : "TICKET_REPLY", ...content });
}

/** What the ticket hooks need of a ticket (the Ticket entity has it). */
interface TicketFacts {
  id: string;
  number: number;
  subject: string;
  requester: { id: string };
  assignee: { id: string } | null;
}

/**
 * After a comment on a ticket, in its transaction: a public reply by an agent or admin goes to
 * the requester, a public reply by anyone else (the customer) to the assignee. Internal notes
 * send nothing. Called by CommentService.add.
 */
export async function notifyTicketComment(em: EntityManager, ticket: TicketFacts, author: { userId: string; role: Role }, body: string, internal: boolean): Promise<void> {
  if (internal) return;
  const byStaff = isStaff(author.role);
  await enqueueTicketNotification(em, {
    kind: byStaff ? "AGENT_REPLY" : "CUSTOMER_REPLY",
    ticket,
    recipientId: byStaff ? ticket.requester.id : (ticket.assignee?.id ?? null),
    actorId: author.userId,
    body,
  });
}

/** After a ticket moved to RESOLVED, in that transaction: its requester hears of it. Called by TicketService.transition. */
export async function notifyTicketResolved(em: EntityManager, ticket: TicketFacts, actorId: string): Promise<void> {
  await enqueueTicketNotification(em, { kind: "TICKET_RESOLVED", ticket, recipientId: ticket.requester.id, actorId });
}
