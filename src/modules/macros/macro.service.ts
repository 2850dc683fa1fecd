import type { FilterQuery } from "@mikro-orm/core";
import { AppError, BadUserInputError, ForbiddenError, NotFoundError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { isStaff, Role, type Viewer } from "../../core/identity.js";
import { requireViewer, withEntityManager, type RequestScope } from "../../core/scope.js";
import { assertOneLineText, textLength } from "../../core/text.js";
import { assertVersion, conflictOnRace, FOR_UPDATE, READ_ONLY } from "../../core/writes.js";
import { contains } from "../../db/text-match.js";
import type { CannedResponseService } from "../canned-responses/canned-response.service.js";
import { CANNED_BODY_MAX } from "../canned-responses/canned-response.entity.js";
import { assertPlaceholders, fillPlaceholders } from "../canned-responses/canned-response.placeholders.js";
import type { Comment } from "../comments/comment.entity.js";
import type { CommentService } from "../comments/comment.service.js";
import type { TagService } from "../tags/tag.service.js";
import { checkTagNames, normalizeTag } from "../tags/tag.names.js";
import { canView } from "../tickets/ticket.access.js";
import { Ticket } from "../tickets/ticket.entity.js";
import type { TicketService } from "../tickets/ticket.service.js";
import { User } from "../users/user.entity.js";
import { Macro, MACRO_NAME_MAX } from "./macro.entity.js";
import "./macro.events.js";
import { hasReply, MacroAssign, MacroChangeKind, STATUS_FIRST, type MacroActionSet } from "./macro.model.js";
import type { MacroChange, MacroInput, MacroPreview } from "./macro.types.js";

const LIST_MAX = 200;

/** One change to make, with what the services need to make it. */
type Step = MacroChange & { body?: string; internal?: boolean; assigneeId?: string | null; add?: string[]; remove?: string[] };

/** Ends a preview's trial run: everything it did is rolled back. */
class TrialRun extends Error {}

export function mayChangeMacro(macro: Macro, viewer: Viewer): boolean {
  return macro.shared ? viewer.role === Role.ADMIN : macro.owner.id === viewer.userId;
}

const visibleTo = (viewer: Viewer): FilterQuery<Macro> => ({ $or: [{ shared: true }, { owner: viewer.userId }] });

/**
 * Macros (staff): kept like canned responses, applied to one ticket in one transaction. Each
 * change goes through the service that owns it (TicketService, CommentService, TagService), so
 * the life cycle, permissions, audit trail, events, webhooks and automation see exactly what
 * they see when an agent makes the change by hand; the first refusal rolls back all of them.
 */
export class MacroService {
  constructor(
    private readonly events: DomainEvents,
    private readonly tickets: TicketService,
    private readonly comments: CommentService,
    private readonly tags: TagService,
    private readonly cannedResponses: CannedResponseService,
  ) {}

  list(scope: RequestScope, search: string | null | undefined, first: number): Promise<Macro[]> {
    const viewer = requireViewer(scope);
    if (!Number.isInteger(first) || first < 1 || first > LIST_MAX) throw new BadUserInputError(`"first" must be between 1 and ${LIST_MAX}.`, "first");
    const text = search?.trim();
    return scope.em.find(Macro, text ? { $and: [visibleTo(viewer), { name: contains(text) }] } : visibleTo(viewer), { orderBy: { name: "asc", id: "asc" }, limit: first });
  }

  async get(scope: RequestScope, id: string): Promise<Macro> {
    const viewer = requireViewer(scope);
    const macro = await scope.em.findOne(Macro, { id }, READ_ONLY).catch(() => null);
    if (!macro || !(macro.shared || macro.owner.id === viewer.userId)) throw new NotFoundError("Macro", id);
    return macro;
  }

  async create(scope: RequestScope, input: MacroInput): Promise<Macro> {
    const viewer = requireViewer(scope);
    const checked = await this.check(scope, input);
    if (checked.shared && viewer.role !== Role.ADMIN) throw new ForbiddenError("Only admins create shared macros; keep it personal.");
    return this.events.transaction(scope, async (tx) => {
      const macro = tx.em.create(Macro, { ...checked, owner: tx.em.getReference(User, viewer.userId, { wrapped: true }) });
      await this.events.raise(tx, { type: "macro.created", ...event(macro), payload: { name: macro.name, shared: macro.shared } });
      return macro;
    });
  }

  async update(scope: RequestScope, id: string, input: MacroInput, expectedVersion?: number | null): Promise<Macro> {
    const viewer = requireViewer(scope);
    const checked = await this.check(scope, input);
    return conflictOnRace("macro", () =>
      this.events.transaction(scope, async (tx) => {
        const macro = await this.changeable(tx, viewer, id);
        assertVersion("macro", macro.version, expectedVersion);
        if (checked.shared && viewer.role !== Role.ADMIN) throw new ForbiddenError("Only admins share macros.");
        Object.assign(macro, checked);
        await this.events.raise(tx, { type: "macro.updated", ...event(macro), payload: { name: macro.name, shared: macro.shared } });
        return macro;
      }),
    );
  }

  async delete(scope: RequestScope, id: string): Promise<boolean> {
    const viewer = requireViewer(scope);
    return this.events.transaction(scope, async (tx) => {
      const macro = await this.changeable(tx, viewer, id);
      tx.em.remove(macro);
      await this.events.raise(tx, { type: "macro.deleted", ...event(macro), payload: { name: macro.name, shared: macro.shared } });
      return true;
    });
  }

  /** What applying the macro would change, and whether it would succeed: a trial run, rolled back. */
  async preview(scope: RequestScope, macroId: string, ticketId: string): Promise<MacroPreview> {
    const macro = await this.get(scope, macroId);
    const ticket = await this.visibleTicket(scope, ticketId);
    const steps = await this.plan(scope, macro, ticket);
    let error: AppError | null = null;
    try {
      await this.apply(withEntityManager(scope, scope.em.fork()), macroId, ticketId, ticket.version, { trial: true });
    } catch (caught) {
      if (caught instanceof TrialRun) error = null;
      else if (caught instanceof AppError) error = caught;
      else throw caught;
    }
    return { changes: steps.map(publicChange), ticketVersion: ticket.version, applicable: !error, errorCode: error?.code ?? null, errorMessage: error?.message ?? null };
  }

  /** Applies every change of the macro to the ticket, or none (the first refusal is the answer). */
  async apply(scope: RequestScope, macroId: string, ticketId: string, expectedVersion: number, options: { trial?: boolean } = {}): Promise<{ ticket: Ticket; comment: Comment | null; changes: MacroChange[] }> {
    const macro = await this.get(scope, macroId);
    return conflictOnRace("ticket", () =>
      this.events.transaction(scope, async (tx) => {
        const ticket = await tx.em.findOne(Ticket, { id: ticketId }, FOR_UPDATE);
        if (!ticket || !canView(ticket, requireViewer(tx))) throw new NotFoundError("Ticket", ticketId);
        assertVersion("ticket", ticket.version, expectedVersion);
        const steps = await this.plan(tx, macro, ticket);
        let comment: Comment | null = null;
        for (const step of steps) {
          comment = (await this.take(tx, ticketId, step)) ?? comment;
          // Each service re-reads the ticket: what the step before changed must be in the database.
          await tx.em.flush();
        }
        if (steps.length) {
          await this.events.raise(tx, {
            type: "macro.applied",
            target: { type: "Ticket", id: ticketId },
            refs: { ticketId },
            visibility: "STAFF",
            payload: { macroId: macro.id, name: macro.name, changes: steps.map((s) => s.kind) },
          });
        }
        if (options.trial) throw new TrialRun();
        return { ticket: await tx.em.findOneOrFail(Ticket, { id: ticketId }), comment, changes: steps.map(publicChange) };
      }),
    );
  }

  private async take(tx: RequestScope, ticketId: string, step: Step): Promise<Comment | null> {
    switch (step.kind) {
      case MacroChangeKind.REPLY:
      case MacroChangeKind.NOTE:
        return this.comments.add(tx, { subjectId: ticketId, body: step.body!, internal: step.internal ?? false });
      case MacroChangeKind.STATUS:
        await this.tickets.transition(tx, ticketId, step.to as Ticket["status"]);
        return null;
      case MacroChangeKind.PRIORITY:
        await this.tickets.update(tx, ticketId, { priority: step.to as Ticket["priority"] });
        return null;
      case MacroChangeKind.ASSIGNEE:
        await this.tickets.assign(tx, ticketId, step.assigneeId ?? null);
        return null;
      case MacroChangeKind.TAGS:
        await this.tags.changeTicketTags(tx, ticketId, { add: step.add ?? [], remove: step.remove ?? [] });
        return null;
    }
  }

  /** The changes the macro makes to the ticket as it is, in order; what already holds is left out. */
  private async plan(scope: RequestScope, macro: Macro, ticket: Ticket): Promise<Step[]> {
    const viewer = requireViewer(scope);
    const a = macro.actions;
    const steps: Step[] = [];
    if (hasReply(a)) {
      const text = a.replyCannedResponseId ? (await this.cannedResponses.get(scope, a.replyCannedResponseId)).body : a.replyBody!;
      const body = fillPlaceholders(text, await this.cannedResponses.valuesFor(scope, ticket.id));
      const internal = a.replyInternal ?? false;
      steps.push({ kind: internal ? MacroChangeKind.NOTE : MacroChangeKind.REPLY, from: null, to: body, body, internal });
    }
    const status = a.status && a.status !== ticket.status ? ({ kind: MacroChangeKind.STATUS, from: ticket.status, to: a.status } as Step) : null;
    if (status && STATUS_FIRST.includes(a.status!)) steps.push(status);
    if (a.priority && a.priority !== ticket.priority) steps.push({ kind: MacroChangeKind.PRIORITY, from: ticket.priority, to: a.priority });
    if (a.assign) {
      const to = a.assign === MacroAssign.ME ? viewer.userId : a.assign === MacroAssign.USER ? a.assigneeId! : null;
      const from = ticket.assignee?.id ?? null;
      if (to !== from) {
        const ids = [from, to].filter((id): id is string => id !== null);
        const names = new Map((ids.length ? await scope.em.find(User, { id: { $in: ids } }, READ_ONLY) : []).map((u) => [u.id, u.displayName]));
        steps.push({ kind: MacroChangeKind.ASSIGNEE, from: from ? (names.get(from) ?? from) : null, to: to ? (names.get(to) ?? to) : "nobody", assigneeId: to });
      }
    }
    if (a.addTags?.length || a.removeTags?.length) {
      const current = await this.tags.ticketTags(scope, ticket.id);
      const have = new Set(current.map((t) => t.normalized));
      const add = (a.addTags ?? []).filter((n) => !have.has(normalizeTag(n)));
      const remove = (a.removeTags ?? []).filter((n) => have.has(normalizeTag(n)));
      if (add.length || remove.length) {
        const gone = new Set(remove.map(normalizeTag));
        const after = [...current.filter((t) => !gone.has(t.normalized)).map((t) => t.name), ...add];
        steps.push({ kind: MacroChangeKind.TAGS, from: current.map((t) => t.name).join(", "), to: after.join(", "), add, remove });
      }
    }
    if (status && !STATUS_FIRST.includes(a.status!)) steps.push(status);
    return steps;
  }

  private async visibleTicket(scope: RequestScope, ticketId: string): Promise<Ticket> {
    const ticket = await scope.em.findOne(Ticket, { id: ticketId }, READ_ONLY).catch(() => null);
    if (!ticket || !canView(ticket, requireViewer(scope))) throw new NotFoundError("Ticket", ticketId);
    return ticket;
  }

  private async changeable(tx: RequestScope, viewer: Viewer, id: string): Promise<Macro> {
    const macro = await tx.em.findOne(Macro, { id }, FOR_UPDATE).catch(() => null);
    if (!macro || !(macro.shared || macro.owner.id === viewer.userId)) throw new NotFoundError("Macro", id);
    if (!mayChangeMacro(macro, viewer)) throw new ForbiddenError("Only admins change shared macros.");
    return macro;
  }

  /** Checks a macro's input, naming the field of the first problem. */
  private async check(scope: RequestScope, input: MacroInput): Promise<{ name: string; shared: boolean; actions: MacroActionSet }> {
    const name = input.name.trim();
    if (!name || textLength(name) > MACRO_NAME_MAX) throw new BadUserInputError(`The name must be 1 to ${MACRO_NAME_MAX} characters.`, "input.name");
    assertOneLineText(name, "name", "input.name");
    const shared = input.shared ?? false;
    const a = input.actions;
    const actions: MacroActionSet = {};
    if (a.replyBody != null && a.replyCannedResponseId != null) throw new BadUserInputError("Reply with a text or a canned response, not both.", "input.actions.replyBody");
    if (a.replyBody != null) {
      if (!a.replyBody.trim() || textLength(a.replyBody) > CANNED_BODY_MAX) throw new BadUserInputError(`The reply must be 1 to ${CANNED_BODY_MAX} characters.`, "input.actions.replyBody");
      assertPlaceholders(a.replyBody, "input.actions.replyBody");
      actions.replyBody = a.replyBody;
    }
    if (a.replyCannedResponseId != null) {
      const canned = await this.cannedResponses.get(scope, a.replyCannedResponseId).catch(() => null);
      if (!canned) throw new BadUserInputError("No canned response you can see has this id.", "input.actions.replyCannedResponseId");
      if (shared && !canned.shared) throw new BadUserInputError("A shared macro replies with a shared canned response (others cannot see your personal ones).", "input.actions.replyCannedResponseId");
      actions.replyCannedResponseId = canned.id;
    }
    if (a.replyInternal != null) {
      if (!hasReply(actions)) throw new BadUserInputError("replyInternal goes with a reply.", "input.actions.replyInternal");
      actions.replyInternal = a.replyInternal;
    }
    if (a.status) actions.status = a.status;
    if (a.priority) actions.priority = a.priority;
    if (a.assign) {
      if (a.assign === MacroAssign.USER) {
        const user = a.assigneeId ? await scope.em.findOne(User, { id: a.assigneeId }, READ_ONLY).catch(() => null) : null;
        if (!user || !isStaff(user.role) || user.deactivatedAt) throw new BadUserInputError("assign USER takes the id of an active agent or admin as assigneeId.", "input.actions.assigneeId");
        actions.assigneeId = user.id;
      } else if (a.assigneeId != null) {
        throw new BadUserInputError("assigneeId goes with assign USER.", "input.actions.assigneeId");
      }
      actions.assign = a.assign;
    } else if (a.assigneeId != null) {
      throw new BadUserInputError("assigneeId goes with assign USER.", "input.actions.assigneeId");
    }
    const add = checkTagNames(a.addTags ?? [], "input.actions.addTags");
    const remove = checkTagNames(a.removeTags ?? [], "input.actions.removeTags");
    const both = add.filter((n) => remove.some((r) => normalizeTag(r) === normalizeTag(n)));
    if (both.length) throw new BadUserInputError(`A tag is either added or removed: ${both.join(", ")}.`, "input.actions.removeTags");
    if (add.length) {
      const { unknown } = await this.tags.resolve(scope, add, "input.actions.addTags");
      if (unknown.length) throw new BadUserInputError(`Only admins create tags (TAGS_MODE=curated); unknown: ${unknown.join(", ")}.`, "input.actions.addTags", { unknownTags: unknown });
      actions.addTags = add;
    }
    if (remove.length) actions.removeTags = remove;
    if (!Object.keys(actions).length) throw new BadUserInputError("A macro does at least one thing.", "input.actions");
    return { name, shared, actions };
  }
}

const publicChange = (step: Step): MacroChange => ({ kind: step.kind, from: step.from, to: step.to });

const event = (macro: Macro) => ({ target: { type: "Macro", id: macro.id }, visibility: macro.shared ? "STAFF" : "ADMIN" }) as const;
