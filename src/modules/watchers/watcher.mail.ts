import type { EntityManager } from "@mikro-orm/core";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { isStaff } from "../../core/identity.js";
import type { RequestScope } from "../../core/scope.js";
import { Comment } from "../comments/comment.entity.js";
import type { MailContent } from "../mail/mail.html.js";
import { NotificationPreferences, type NotificationSetting } from "../mail/notification-preferences.entity.js";
import { enqueueMail } from "../mail/outbox.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { TicketStatus } from "../tickets/ticket.enums.js";
import { User } from "../users/user.entity.js";
import { mentionedUserIds, withPlainMentions } from "./mentions.js";
import { ccsByTicket, watchersByTicket } from "./watcher.batch.js";
import { ccReplyMail, mentionMail, watchedCommentMail, watchedStatusMail } from "./watcher.mail-templates.js";
import { addWatcher } from "./watcher.writes.js";

/**
 * The emails of watchers, CC'd addresses and @mentions, queued in the transaction of the change
 * (a rolled-back comment sends nothing). Each person gets one email per change: whoever the
 * ticket emails already (the requester about an agent's reply, the assignee about the customer's)
 * and the author are left out, and a mentioned agent gets the mention, not the watcher copy.
 * - a comment by an agent or admin mentioning agents (mentions.ts): each active agent mentioned
 *   is emailed once and becomes a watcher (customers cannot be mentioned; their own mentions do nothing);
 * - a public reply: every watcher and CC'd address; an internal note: staff watchers only, never CCs;
 * - a status change: every watcher.
 */
export function subscribeWatcherMail(events: DomainEvents, publicUrl: string): void {
  const link = (ticketId: string) => `${publicUrl.replace(/\/$/, "")}/#/tickets/${ticketId}`;
  const host = new URL(publicUrl).hostname;

  events.subscribe("comment.added", async (tx, event) => {
    const { ticket, internal, authorRole } = event.payload;
    const ticketId = event.refs.ticketId;
    if (!ticket || !ticketId) return;
    // Written in this transaction: the identity map has it (the event leaves the body out).
    const comment = await tx.em.findOne(Comment, { id: event.target.id });
    const body = withPlainMentions(comment?.body ?? "");
    const author = event.actorId ? await tx.em.findOne(User, { id: event.actorId }) : null;
    const authorName = author?.displayName ?? "Someone";
    const facts = { number: ticket.number, subject: ticket.subject, link: link(ticketId) };

    const mailed = new Set<string>(event.actorId ? [event.actorId] : []);
    // Addresses emailed about this comment already: a CC'd address that is also a watcher's gets one email.
    const mailedAddresses = new Set<string>(author ? [author.email] : []);
    if (!internal) {
      const usual = isStaff(authorRole) ? ticket.requesterId : ticket.assigneeId;
      if (usual) mailed.add(usual);
    }

    if (isStaff(authorRole) && comment) {
      const ids = mentionedUserIds(comment.body).filter((id) => id !== event.actorId);
      const agents = ids.length ? await tx.em.find(User, { id: { $in: ids }, deactivatedAt: null }) : [];
      const mentioned = agents.filter((u) => isStaff(u.role));
      const prefs = await preferencesOf(tx.em, mentioned);
      for (const agent of mentioned) {
        await addWatcher(events, tx, ticketId, agent.id, event.actorId, "MENTIONED");
        mailed.add(agent.id);
        mailedAddresses.add(agent.email);
        if (wants(prefs, agent.id, "mentions")) send(tx, agent.email, "TICKET_MENTION", mentionMail({ ...facts, recipientName: agent.displayName, authorName, body, internal }));
      }
    }

    const watchers = (await watchingUsers(tx.em, ticketId)).filter((u) => !mailed.has(u.id) && (!internal || isStaff(u.role)));
    const prefs = await preferencesOf(tx.em, watchers);
    for (const user of watchers) {
      mailedAddresses.add(user.email);
      if (!wants(prefs, user.id, "watchedTickets")) continue;
      // An internal note's email starts no thread: a reply to it would become a public comment.
      send(tx, user.email, "TICKET_WATCHED_UPDATE", watchedCommentMail({ ...facts, recipientName: user.displayName, authorName, body, internal }), internal ? undefined : { ticketId, host });
    }

    if (internal) return;
    const ccs = await ccsByTicket.get(tx.em, ticketId);
    for (const cc of ccs) {
      if (mailedAddresses.has(cc.email)) continue;
      send(tx, cc.email, "TICKET_CC_REPLY", ccReplyMail({ ...facts, recipientName: null, authorName, body }), { ticketId, host });
    }
  });

  events.subscribe("ticket.transitioned", async (tx, event) => {
    const { from, to } = event.payload;
    const watchers = await watchingUsers(tx.em, event.target.id);
    if (!watchers.length) return;
    const ticket = await tx.em.findOne(Ticket, { id: event.target.id });
    if (!ticket) return;
    // The requester hears of a resolution and of a closing the desk made on its own by their own emails.
    const requesterToldAnyway = to === TicketStatus.RESOLVED || (to === TicketStatus.CLOSED && event.actorId === null);
    const recipients = watchers.filter((u) => u.id !== event.actorId && !(requesterToldAnyway && u.id === ticket.requester.id));
    const prefs = await preferencesOf(tx.em, recipients);
    for (const user of recipients) {
      if (!wants(prefs, user.id, "watchedTickets")) continue;
      send(tx, user.email, "TICKET_WATCHED_UPDATE", watchedStatusMail({ number: ticket.number, subject: ticket.subject, link: link(ticket.id), recipientName: user.displayName, from, to }), { ticketId: ticket.id, host });
    }
  });
}

function send(tx: RequestScope, to: string, kind: string, content: MailContent, thread?: { ticketId: string; host: string }): void {
  enqueueMail(tx.em, { to, kind, ...content, ...thread });
}

/** The active users watching a ticket. */
async function watchingUsers(em: EntityManager, ticketId: string): Promise<User[]> {
  return (await watchersByTicket.get(em, ticketId)).filter((u) => !u.deactivatedAt);
}

async function preferencesOf(em: EntityManager, users: readonly User[]): Promise<Map<string, NotificationPreferences>> {
  if (!users.length) return new Map();
  const rows = await em.find(NotificationPreferences, { user: { $in: users.map((u) => u.id) } });
  return new Map(rows.map((p) => [p.user.id, p]));
}

/** No row means the defaults: everything on. */
const wants = (prefs: Map<string, NotificationPreferences>, userId: string, setting: NotificationSetting) => prefs.get(userId)?.[setting] ?? true;
