/**
 * The email intake's events: an admin processed a failed email again. The payload is the audit
 * trail's detail (never the message). Tickets, comments and accounts made from email raise their
 * own modules' events (ticket.created, comment.added, user.created with reason "email intake").
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    "inbound_mail.retried": { messageKey: string; status: string; ticketId: string | null };
  }
}

export {};
