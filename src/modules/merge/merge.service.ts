import type { EntityManager } from "@mikro-orm/core";
import { AppError, NotFoundError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { assertVersion, conflictOnRace, FOR_UPDATE } from "../../core/writes.js";
import { Attachment } from "../attachments/attachment.entity.js";
import { AttachmentParentType } from "../attachments/attachment.enums.js";
import { Comment } from "../comments/comment.entity.js";
import { CommentSubjectType } from "../comments/comment.enums.js";
import { TicketIssueLink } from "../links/ticket-issue-link.entity.js";
import { canView } from "../tickets/ticket.access.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { TicketStatus } from "../tickets/ticket.enums.js";
import { ticketEvent } from "../tickets/ticket.events.js";
import type { TicketService } from "../tickets/ticket.service.js";
import { isFinal } from "../tickets/ticket.states.js";
import "./merge.events.js";
import type { MergeTicketsInput } from "./merge.types.js";

export interface MergeOutcome {
  source: Ticket;
  target: Ticket;
  movedComments: number;
  movedAttachments: number;
  movedLinks: number;
  movedWatchers: number;
}

export interface WatcherMover {
  moveWatchers(em: EntityManager, fromTicketId: string, toTicketId: string): Promise<number>;
}

/** A merge refused for what the two tickets are, with `reason` for clients to switch on. */
class MergeRefusedError extends AppError {
  constructor(code: "BAD_USER_INPUT" | "FORBIDDEN", reason: string, message: string, field?: string) {
    super(code, message, { extensions: { reason, ...(field ? { field } : {}) } });
  }
}

/**
 * Merges a duplicate ticket into another, in one transaction: the duplicate's comments (with
 * their authors and times, marked with the number they came from), attachments and issue links
 * move to the target, and the duplicate is closed through the ticket life cycle with a pointer
 * to the target. ticket.merged tells the audit trail and both requesters (mail subscriber).
 * Watchers and CC addresses move through the watchers module (people already on the target stay once).
 */
export class MergeService {
  constructor(
    private readonly tickets: TicketService,
    private readonly events: DomainEvents,
    /** The watchers module's move (WatcherService.moveWatchers), inside our transaction. */
    private readonly watchers: WatcherMover,
  ) {}

  async merge(scope: RequestScope, input: MergeTicketsInput): Promise<MergeOutcome> {
    const viewer = requireViewer(scope);
    if (input.sourceId === input.targetId) throw new MergeRefusedError("BAD_USER_INPUT", "SAME_TICKET", "A ticket cannot be merged into itself.", "input.targetId");
    return conflictOnRace("tickets", () =>
      this.events.transaction(scope, async (tx) => {
        const found = await tx.em.find(Ticket, { id: { $in: [input.sourceId, input.targetId] } }, FOR_UPDATE);
        const source = found.find((t) => t.id === input.sourceId && canView(t, viewer));
        const target = found.find((t) => t.id === input.targetId && canView(t, viewer));
        if (!source) throw new NotFoundError("Ticket", input.sourceId);
        if (!target) throw new NotFoundError("Ticket", input.targetId);
        assertVersion("duplicate ticket", source.version, input.sourceVersion);
        assertVersion("target ticket", target.version, input.targetVersion);
        if (isFinal(source.status)) throw new MergeRefusedError("FORBIDDEN", "SOURCE_CLOSED", `#${source.number} is closed and can no longer be merged.`, "input.sourceId");
        if (isFinal(target.status)) throw new MergeRefusedError("FORBIDDEN", "TARGET_CLOSED", `#${target.number} is closed: merge into an open ticket.`, "input.targetId");
        if (source.requester.id !== target.requester.id && !input.acrossCustomers) {
          throw new MergeRefusedError(
            "BAD_USER_INPUT",
            "DIFFERENT_REQUESTERS",
            `#${source.number} and #${target.number} were opened by different customers; confirm with acrossCustomers to merge them.`,
            "input.acrossCustomers",
          );
        }
        this.tickets.assertTransitionFor(source, viewer, TicketStatus.CLOSED);

        const em = tx.em;
        const ofSource = { subjectType: CommentSubjectType.TICKET, subjectId: source.id };
        // A comment merged twice keeps the number of the ticket it was written on.
        const firstMove = await em.nativeUpdate(Comment, { ...ofSource, mergedFromNumber: null }, { subjectId: target.id, mergedFromNumber: source.number });
        const againMoved = await em.nativeUpdate(Comment, ofSource, { subjectId: target.id });
        const movedAttachments = await em.nativeUpdate(Attachment, { ticketId: source.id }, { ticketId: target.id });
        await em.nativeUpdate(Attachment, { parentType: AttachmentParentType.TICKET, parentId: source.id }, { parentId: target.id });
        const movedLinks = await this.moveLinks(tx, source, target);
        const movedWatchers = await this.watchers.moveWatchers(em, source.id, target.id);

        source.mergedInto = em.getReference(Ticket, target.id, { wrapped: true });
        await this.tickets.moveLoaded(tx, viewer.userId, source, TicketStatus.CLOSED, `merged into #${target.number}`);
        const outcome = { source, target, movedComments: firstMove + againMoved, movedAttachments, movedLinks, movedWatchers };
        await this.events.raise(tx, {
          type: "ticket.merged",
          ...ticketEvent(target),
          payload: {
            sourceId: source.id,
            sourceNumber: source.number,
            targetNumber: target.number,
            sourceRequesterId: source.requester.id,
            targetRequesterId: target.requester.id,
            movedComments: outcome.movedComments,
            movedAttachments,
            movedLinks,
            movedWatchers,
          },
        });
        return outcome;
      }),
    );
  }

  /** The duplicate's issue links become the target's; a link the target already has is dropped. */
  private async moveLinks(tx: RequestScope, source: Ticket, target: Ticket): Promise<number> {
    const links = await tx.em.find(TicketIssueLink, { ticket: { $in: [source.id, target.id] } }, { disableIdentityMap: true });
    const targetIssues = new Set(links.filter((l) => l.ticket.id === target.id).map((l) => l.issue.id));
    const sourceLinks = links.filter((l) => l.ticket.id === source.id);
    const duplicates = sourceLinks.filter((l) => targetIssues.has(l.issue.id)).map((l) => l.id);
    const moving = sourceLinks.filter((l) => !targetIssues.has(l.issue.id)).map((l) => l.id);
    if (duplicates.length) await tx.em.nativeDelete(TicketIssueLink, { id: { $in: duplicates } });
    if (moving.length) await tx.em.nativeUpdate(TicketIssueLink, { id: { $in: moving } }, { ticket: target.id });
    return moving.length;
  }
}
