import { randomUUID } from "node:crypto";
import type { EntityManager } from "@mikro-orm/core";
import type { MailContent } from "./mail.html.js";
import { OutboxMessage } from "./outbox-message.entity.js";

export interface OutgoingMail extends MailContent {
  to: string;
  /** What the message is about, for the admin outbox and the logs (e.g. "VERIFY_EMAIL"). */
  kind: string;
  /** A ticket email: sent in the ticket's thread with a Message-ID of its own (see ticketMessageId). */
  ticketId?: string;
  /** The host of our Message-IDs (PUBLIC_URL's), for ticket emails. */
  host?: string;
}

/**
 * The thread of a ticket's emails, `<ticket-<id>@<host>>`: every ticket email names it in
 * In-Reply-To and References, so mail clients thread them and a reply finds its ticket.
 */
export const ticketThreadId = (ticketId: string, host: string) => `<ticket-${ticketId}@${host}>`;

/**
 * Queues `mail` on `em`, to be written by the caller's flush inside the same transaction as
 * the change that causes it: a rolled-back change sends nothing, a committed one always gets
 * its email. The mail worker is woken when the transaction commits (mail.worker.ts).
 */
export function enqueueMail(em: EntityManager, mail: OutgoingMail, now = new Date()): OutboxMessage {
  return em.create(OutboxMessage, {
    recipient: mail.to,
    kind: mail.kind,
    subject: mail.subject.slice(0, 300),
    text: mail.text,
    html: mail.html,
    nextAttemptAt: now,
    ...(mail.ticketId && mail.host ? { ticketId: mail.ticketId, messageId: `<ticket-${mail.ticketId}.${randomUUID()}@${mail.host}>` } : {}),
  });
}
