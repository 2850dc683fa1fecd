import { announceTicketBatch } from "../../core/batch-hint.js";
import { BadUserInputError, ConflictError, NotFoundError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { Viewer } from "../../core/identity.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { conflictOnRace, FOR_UPDATE, READ_ONLY } from "../../core/writes.js";
import { CommentSubjectType } from "../comments/comment.enums.js";
import { commentedTicket } from "../comments/comment.events.js";
import { addComment, assertCommentBody } from "../comments/comment.writes.js";
import { Issue } from "../issues/issue.entity.js";
import { TicketIssueLink } from "../links/ticket-issue-link.entity.js";
import { canView } from "../tickets/ticket.access.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { TicketStatus } from "../tickets/ticket.enums.js";
import type { TicketService } from "../tickets/ticket.service.js";
import { cleanReason } from "../tickets/ticket.validation.js";
import { User } from "../users/user.entity.js";
import { BULK_MAX, planTicket, type BulkChanges, type BulkRefusal, type FieldChange, type TicketPlan } from "./bulk.plan.js";
import type { ApplyBulkTicketChangeInput, BulkTicketChangesInput, NotifyLinkedTicketsInput, PreviewBulkTicketChangeInput, PreviewLinkedTicketsUpdateInput } from "./bulk.types.js";

/** What the tags module offers bulk changes (TagService.changeTicketTags). */
export interface TicketTagChanger {
  changeTicketTags(scope: RequestScope, ticketId: string, change: { add?: readonly string[]; remove?: readonly string[] }): Promise<unknown>;
}

/** One ticket of a preview, as the API shows it. */
export interface BulkOutcome {
  ticketId: string;
  ticket: Ticket | null;
  allowed: boolean;
  refusal: BulkRefusal | null;
  reason: string | null;
  changes: FieldChange[];
  version: number | null;
}

export interface BulkPreview {
  outcomes: BulkOutcome[];
  allowedCount: number;
  refusedCount: number;
  expectedVersions: { ticketId: string; version: number }[];
}

export interface BulkResult {
  tickets: Ticket[];
  changedCount: number;
}

/**
 * Changes to many tickets at once: a dry run that says per ticket what would happen, and a
 * commit that applies all of it or nothing, pinned to the versions the dry run saw. Each ticket
 * changes through TicketService's own checks and writes, raising the events (and so the audit
 * rows, mails and webhooks) a single change raises. Reads and writes are batched: the tickets
 * are read in one statement, and the ORM writes the changed rows, audit rows and events in
 * batches at the end, so the statements do not grow with the number of tickets (except the
 * mail lookups of public replies and resolutions: one per recipient, in the mail module).
 */
export class BulkTicketService {
  constructor(
    private readonly tickets: TicketService,
    private readonly events: DomainEvents,
    /** The tags module's ticket tag change (joins our transaction); null: bulk changes take no tags. */
    private readonly tags: TicketTagChanger | null = null,
  ) {}

  async preview(scope: RequestScope, input: PreviewBulkTicketChangeInput): Promise<BulkPreview> {
    const viewer = requireViewer(scope);
    const ids = checkIds(input.ticketIds, "input.ticketIds");
    const changes = this.checkTags(checkChanges(input.changes, "input.changes"));
    if (changes.assigneeId) await this.tickets.findAssignee(scope.em, changes.assigneeId, "input.changes.assigneeId");
    return this.previewOf(scope, viewer, ids, changes);
  }

  async apply(scope: RequestScope, input: ApplyBulkTicketChangeInput): Promise<BulkResult> {
    const viewer = requireViewer(scope);
    const pinned = checkVersions(input.expectedVersions, "input.expectedVersions");
    const changes = this.checkTags(checkChanges(input.changes, "input.changes"));
    return conflictOnRace("tickets", () => this.events.transaction(scope, (tx) => this.commit(tx, viewer, pinned, changes)));
  }

  /**
   * The major-incident flow's dry run: one public update (and optionally a status) for every
   * ticket linked to an issue.
   */
  async previewLinked(scope: RequestScope, input: PreviewLinkedTicketsUpdateInput): Promise<BulkPreview> {
    const viewer = requireViewer(scope);
    const changes = checkChanges(linkedChanges(input), "input");
    const ids = await this.linkedTicketIds(scope, input.issueId);
    return this.previewOf(scope, viewer, ids, changes);
  }

  /** Commits the major-incident update on the previewed tickets, which must all be linked to the issue. */
  async notifyLinked(scope: RequestScope, input: NotifyLinkedTicketsInput): Promise<BulkResult> {
    const viewer = requireViewer(scope);
    const pinned = checkVersions(input.expectedVersions, "input.expectedVersions");
    const changes = checkChanges(linkedChanges(input), "input");
    return conflictOnRace("tickets", () =>
      this.events.transaction(scope, async (tx) => {
        const linked = new Set(await this.linkedTicketIds(tx, input.issueId));
        const strangers = [...pinned.keys()].filter((id) => !linked.has(id));
        if (strangers.length) throw new BadUserInputError(`${strangers.length} of the tickets are not linked to this issue.`, "input.expectedVersions", { ticketIds: strangers });
        return this.commit(tx, viewer, pinned, changes);
      }),
    );
  }

  private async previewOf(scope: RequestScope, viewer: Viewer, ids: string[], changes: BulkChanges): Promise<BulkPreview> {
    const found = ids.length ? await scope.em.find(Ticket, { id: { $in: ids } }, READ_ONLY) : [];
    const byId = new Map(found.filter((t) => canView(t, viewer)).map((t) => [t.id, t]));
    const plans = ids.map((id) => planTicket(this.tickets, viewer, id, byId.get(id) ?? null, changes));
    const allowed = plans.filter((p) => p.allowed);
    return {
      outcomes: plans.map(outcomeOf),
      allowedCount: allowed.length,
      refusedCount: plans.length - allowed.length,
      expectedVersions: allowed.map((p) => ({ ticketId: p.ticketId, version: p.ticket.version })),
    };
  }

  /** The commit, inside `tx`: every ticket read under its lock in one statement, then all or nothing. */
  private async commit(tx: RequestScope, viewer: Viewer, pinned: Map<string, number>, changes: BulkChanges): Promise<BulkResult> {
    if (changes.assigneeId) await this.tickets.findAssignee(tx.em, changes.assigneeId, "input.changes.assigneeId");
    const ids = [...pinned.keys()];
    const found = await tx.em.find(Ticket, { id: { $in: ids } }, FOR_UPDATE);
    const byId = new Map(found.filter((t) => canView(t, viewer)).map((t) => [t.id, t]));
    const stale = ids.filter((id) => byId.has(id) && byId.get(id)!.version !== pinned.get(id));
    if (stale.length) {
      throw new ConflictError(`${stale.length} of the tickets changed since the preview; nothing was changed. Preview again and confirm.`, { staleTicketIds: stale });
    }
    const plans = ids.map((id) => planTicket(this.tickets, viewer, id, byId.get(id) ?? null, changes));
    const refused = plans.flatMap((p) => (p.allowed ? [] : [{ ticketId: p.ticketId, refusal: p.refusal, reason: p.reason }]));
    if (refused.length) {
      throw new BadUserInputError(`The change is not allowed on ${refused.length} of the tickets; nothing was changed. Leave them out (see the preview) and try again.`, "input.expectedVersions", {
        refusals: refused,
      });
    }
    const allowed = plans.filter((p): p is Extract<TicketPlan, { allowed: true }> => p.allowed);
    // Subscribers that read per ticket (watchers, CC) read for the whole batch on the first event.
    announceTicketBatch(tx.em, allowed.map((p) => p.ticket.id));
    await this.primeRecipients(tx, viewer, allowed, changes);
    let changedCount = 0;
    let first = true;
    for (const { ticket, changes: planned } of allowed) {
      if (!planned.length) continue;
      changedCount++;
      await this.change(tx, viewer, ticket, changes);
      // Tags the first ticket created are written before the next ticket looks them up.
      if (first && changes.addTags?.length) await tx.em.flush();
      first = false;
    }
    return { tickets: allowed.map((p) => p.ticket), changedCount };
  }

  /** One ticket's change, in the order a person would make it: the comment, the tags, then the assignee, priority and status. */
  private async change(tx: RequestScope, viewer: Viewer, ticket: Ticket, changes: BulkChanges): Promise<void> {
    if (changes.comment) {
      await addComment(this.events, tx, {
        authorId: viewer.userId,
        authorRole: viewer.role,
        subjectType: CommentSubjectType.TICKET,
        subjectId: ticket.id,
        body: changes.comment.body,
        internal: changes.comment.internal,
        ticket: commentedTicket(ticket),
      });
    }
    // Before the ticket's own changes: the tags module re-reads the ticket under its lock (a refresh).
    if (this.tags && (changes.addTags?.length || changes.removeTags?.length)) {
      await this.tags.changeTicketTags(tx, ticket.id, { add: changes.addTags ?? [], remove: changes.removeTags ?? [] });
    }
    if (changes.assigneeId !== undefined) await this.tickets.assignLoaded(tx, ticket, changes.assigneeId);
    if (changes.priority !== undefined) await this.tickets.prioritizeLoaded(tx, ticket, changes.priority);
    if (changes.status !== undefined && changes.status !== ticket.status) await this.tickets.moveLoaded(tx, viewer.userId, ticket, changes.status, changes.reason);
  }

  private checkTags(changes: BulkChanges): BulkChanges {
    if (!this.tags && (changes.addTags?.length || changes.removeTags?.length)) throw new BadUserInputError("This desk has no tags.", "input.changes.addTags");
    return changes;
  }

  /**
   * The people the change's mails go to (requesters of public replies and resolutions, and the
   * author), read in one statement: the mail subscribers then find them in the identity map.
   */
  private async primeRecipients(tx: RequestScope, viewer: Viewer, plans: { ticket: Ticket }[], changes: BulkChanges): Promise<void> {
    const mails = (changes.comment && !changes.comment.internal) || changes.status === TicketStatus.RESOLVED;
    if (!mails || !plans.length) return;
    const ids = new Set([viewer.userId, ...plans.map((p) => p.ticket.requester.id)]);
    await tx.em.find(User, { id: { $in: [...ids] } });
  }

  private async linkedTicketIds(scope: RequestScope, issueId: string): Promise<string[]> {
    const issue = await scope.em.findOne(Issue, { id: issueId }, READ_ONLY);
    if (!issue) throw new NotFoundError("Issue", issueId);
    const links = await scope.em.find(TicketIssueLink, { issue: issueId }, { ...READ_ONLY, orderBy: { createdAt: "ASC", id: "ASC" } });
    return links.map((l) => l.ticket.id);
  }
}

function outcomeOf(plan: TicketPlan): BulkOutcome {
  const seen = { ticketId: plan.ticketId, ticket: plan.ticket, version: plan.ticket?.version ?? null };
  return plan.allowed ? { ...seen, allowed: true, refusal: null, reason: null, changes: plan.changes } : { ...seen, allowed: false, refusal: plan.refusal, reason: plan.reason, changes: [] };
}

function checkIds(ids: readonly string[], field: string): string[] {
  if (!ids.length) throw new BadUserInputError("Name at least one ticket.", field);
  if (ids.length > BULK_MAX) throw new BadUserInputError(`A bulk change takes at most ${BULK_MAX} tickets (you sent ${ids.length}).`, field);
  const unique = [...new Set(ids)];
  if (unique.length !== ids.length) throw new BadUserInputError("Each ticket may be named once.", field);
  return unique;
}

function checkVersions(versions: readonly { ticketId: string; version: number }[], field: string): Map<string, number> {
  checkIds(
    versions.map((v) => v.ticketId),
    field,
  );
  return new Map(versions.map((v) => [v.ticketId, v.version]));
}

function checkChanges(input: BulkTicketChangesInput, field: string): BulkChanges {
  const changes: BulkChanges = {};
  if (input.status != null) changes.status = input.status;
  const reason = cleanReason(input.reason, `${field}.reason`);
  if (reason) changes.reason = reason;
  if (input.priority != null) changes.priority = input.priority;
  if (input.assigneeId !== undefined) changes.assigneeId = input.assigneeId;
  if (input.comment) {
    assertCommentBody(input.comment.body, `${field}.comment.body`);
    changes.comment = { body: input.comment.body, internal: input.comment.internal ?? false };
  }
  if (input.addTags?.length) changes.addTags = [...input.addTags];
  if (input.removeTags?.length) changes.removeTags = [...input.removeTags];
  if (changes.status === undefined && changes.priority === undefined && changes.assigneeId === undefined && !changes.comment && !changes.addTags && !changes.removeTags) {
    throw new BadUserInputError("Say what to change: a status, priority, assignee, tags or comment.", field);
  }
  return changes;
}

/** The major-incident update as a bulk change: a public reply, and the status when given. */
function linkedChanges(input: { body: string; status?: TicketStatus | null; reason?: string | null }): BulkTicketChangesInput {
  return { comment: { body: input.body, internal: false }, status: input.status ?? null, reason: input.reason ?? null };
}
