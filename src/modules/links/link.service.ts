import { DeadlockException, UniqueConstraintViolationException, type EntityManager } from "@mikro-orm/core";
import type { RequestMeta, Viewer } from "../../graphql/context.js";
import { ConflictError, NotFoundError } from "../../core/errors.js";
import { AuditAction } from "../audit/audit.actions.js";
import { recordAudit } from "../audit/audit.service.js";
import { Issue } from "../issues/issue.entity.js";
import { READ_ONLY } from "../../core/writes.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";
import type { TicketIssueLinkPayload } from "./link.types.js";
import { TicketIssueLink } from "./ticket-issue-link.entity.js";

/**
 * Links tickets to issues. Both directions are idempotent: linking a linked pair or unlinking an
 * unlinked one answers `changed: false` and records nothing. Events target the ticket, so its
 * history (built from the audit trail) shows them.
 */
export class LinkService {
  async link(em: EntityManager, request: RequestMeta, actor: Viewer, ticketId: string, issueId: string): Promise<TicketIssueLinkPayload> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await em.transactional(async (tx) => {
          const { ticket, issue } = await this.pair(tx, ticketId, issueId);
          if (await tx.count(TicketIssueLink, { ticket: ticket.id, issue: issue.id })) return { ticket, issue, linked: true, changed: false };
          tx.create(TicketIssueLink, { ticket: tx.getReference(Ticket, ticket.id), issue: tx.getReference(Issue, issue.id), linkedBy: tx.getReference(User, actor.userId) });
          recordAudit(tx, request, this.event(AuditAction.TICKET_LINKED, actor, ticket, issue));
          await tx.flush();
          return { ticket, issue, linked: true, changed: true };
        });
      } catch (error) {
        // Someone linked the same pair a moment earlier: the outcome the caller asked for exists.
        if (error instanceof UniqueConstraintViolationException) {
          const { ticket, issue } = await this.pair(em.fork(), ticketId, issueId);
          return { ticket, issue, linked: true, changed: false };
        }
        // InnoDB may pick one of several inserters of the same pair as a deadlock victim: try again.
        if (error instanceof DeadlockException && attempt < 3) continue;
        if (error instanceof DeadlockException) throw new ConflictError("The link was being changed by others at the same time; try again.");
        throw error;
      }
    }
  }

  async unlink(em: EntityManager, request: RequestMeta, actor: Viewer, ticketId: string, issueId: string): Promise<TicketIssueLinkPayload> {
    return em.transactional(async (tx) => {
      const { ticket, issue } = await this.pair(tx, ticketId, issueId);
      // A DELETE's row count decides, so of two concurrent unlinks exactly one records an event.
      const removed = await tx.nativeDelete(TicketIssueLink, { ticket: ticket.id, issue: issue.id });
      if (!removed) return { ticket, issue, linked: false, changed: false };
      recordAudit(tx, request, this.event(AuditAction.TICKET_UNLINKED, actor, ticket, issue));
      await tx.flush();
      return { ticket, issue, linked: false, changed: true };
    });
  }

  private async pair(em: EntityManager, ticketId: string, issueId: string): Promise<{ ticket: Ticket; issue: Issue }> {
    const [ticket, issue] = await Promise.all([em.findOne(Ticket, { id: ticketId }, READ_ONLY), em.findOne(Issue, { id: issueId }, READ_ONLY)]);
    if (!ticket) throw new NotFoundError("Ticket", ticketId);
    if (!issue) throw new NotFoundError("Issue", issueId);
    return { ticket, issue };
  }

  private event(action: AuditAction, actor: Viewer, ticket: Ticket, issue: Issue) {
    return {
      action,
      actorId: actor.userId,
      targetType: "Ticket",
      targetId: ticket.id,
      details: { issueId: issue.id, issueKey: issue.key, issueTitle: issue.title, ticketNumber: ticket.number },
    };
  }
}
