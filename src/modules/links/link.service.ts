import { DeadlockException, UniqueConstraintViolationException, type EntityManager } from "@mikro-orm/core";
import { ConflictError, NotFoundError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { READ_ONLY } from "../../core/writes.js";
import { Issue } from "../issues/issue.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";
import { linkEvent } from "./link.events.js";
import type { TicketIssueLinkPayload } from "./link.types.js";
import { TicketIssueLink } from "./ticket-issue-link.entity.js";

/**
 * Links tickets to issues. Both directions are idempotent: linking a linked pair or unlinking an
 * unlinked one answers `changed: false` and raises nothing. Events target the ticket, so its
 * history (built from the audit trail) shows them.
 */
export class LinkService {
  constructor(private readonly events: DomainEvents) {}

  async link(scope: RequestScope, ticketId: string, issueId: string): Promise<TicketIssueLinkPayload> {
    const actor = requireViewer(scope);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.events.transaction(scope, async (tx) => {
          const { ticket, issue } = await this.pair(tx.em, ticketId, issueId);
          if (await tx.em.count(TicketIssueLink, { ticket: ticket.id, issue: issue.id })) return { ticket, issue, linked: true, changed: false };
          tx.em.create(TicketIssueLink, {
            ticket: tx.em.getReference(Ticket, ticket.id),
            issue: tx.em.getReference(Issue, issue.id),
            linkedBy: tx.em.getReference(User, actor.userId),
          });
          await this.events.raise(tx, { type: "ticket.linked", ...linkEvent(ticket, issue) });
          return { ticket, issue, linked: true, changed: true };
        });
      } catch (error) {
        // Someone linked the same pair a moment earlier: the outcome the caller asked for exists.
        if (error instanceof UniqueConstraintViolationException) {
          const { ticket, issue } = await this.pair(scope.em.fork(), ticketId, issueId);
          return { ticket, issue, linked: true, changed: false };
        }
        // InnoDB may pick one of several inserters of the same pair as a deadlock victim: try again.
        if (error instanceof DeadlockException && attempt < 3) continue;
        if (error instanceof DeadlockException) throw new ConflictError("The link was being changed by others at the same time; try again.");
        throw error;
      }
    }
  }

  async unlink(scope: RequestScope, ticketId: string, issueId: string): Promise<TicketIssueLinkPayload> {
    return this.events.transaction(scope, async (tx) => {
      const { ticket, issue } = await this.pair(tx.em, ticketId, issueId);
      // A DELETE's row count decides, so of two concurrent unlinks exactly one raises an event.
      const removed = await tx.em.nativeDelete(TicketIssueLink, { ticket: ticket.id, issue: issue.id });
      if (!removed) return { ticket, issue, linked: false, changed: false };
      await this.events.raise(tx, { type: "ticket.unlinked", ...linkEvent(ticket, issue) });
      return { ticket, issue, linked: false, changed: true };
    });
  }

  private async pair(em: EntityManager, ticketId: string, issueId: string): Promise<{ ticket: Ticket; issue: Issue }> {
    const [ticket, issue] = await Promise.all([em.findOne(Ticket, { id: ticketId }, READ_ONLY), em.findOne(Issue, { id: issueId }, READ_ONLY)]);
    if (!ticket) throw new NotFoundError("Ticket", ticketId);
    if (!issue) throw new NotFoundError("Issue", issueId);
    return { ticket, issue };
  }
}
