import { attachmentIdsOf } from "../../core/attachment-ids.js";
import type { EntityManager, FilterQuery } from "@mikro-orm/core";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../../core/errors.js";
import type { DomainEvent } from "../../core/events/catalog.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { isStaff, Role, type Viewer } from "../../core/identity.js";
import type { PageRequest } from "../../core/paging.js";
import { Priority } from "../../core/priority.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { assertVersion, conflictOnRace, FOR_UPDATE, LOCKED_READ_ONLY, READ_ONLY, unchanged } from "../../core/writes.js";
import { paginate } from "../../db/pagination.js";
import { findSnapshotBy } from "../../db/read-rows.js";
import { User } from "../users/user.entity.js";
import { canEdit, canSeeTicket, isRequester } from "./ticket.access.js";
import { Ticket } from "./ticket.entity.js";
import { TicketStatus } from "./ticket.enums.js";
import { ticketEvent, type TicketChanges } from "./ticket.events.js";
import { assertTicketFilter, ticketSort, ticketWhere } from "./ticket.filters.js";
import { applyStatusChange, recordFirstResponse, scheduleDeadlines, type SlaTargets } from "./ticket.sla.js";
import { assertTransition, isFinal, statusAfterComment } from "./ticket.states.js";
import type { CreateTicketInput, TicketFilter, TicketOrder, UpdateTicketInput } from "./ticket.types.js";
import { checkDescription, cleanCategory, cleanReason, cleanSubject } from "./ticket.validation.js";
import { ticketPeople } from "./ticket-people.js";
import { ensureTicketCounter, takeTicketNumber } from "./ticket-number.js";

const REFERENCE = /^#?(\d{1,9})$/;

/**
 * Tickets: lookup, lists, creation, edits, assignment and the life cycle (ticket.states.ts).
 * Every change raises its event (ticket.events.ts); the SLA clock runs on the scope's clock.
 */
export class TicketService {
  constructor(
    /** The SLA targets and business hours every clock here runs on; field resolvers read `sla.hours`. */
    readonly sla: SlaTargets,
    private readonly events: DomainEvents,
  ) {}

  /**
   * One ticket by id or by reference ("#1042"), if the viewer may see it. Another customer's
   * ticket answers exactly like a missing one, so ids cannot be probed. `snapshot`: a read-only
   * copy (db/read-rows.ts) for queries, its requester and assignee primed into the scope's
   * loaders; writes load the managed entity.
   */
  async get(scope: RequestScope, idOrReference: string, options: { refresh?: boolean; snapshot?: boolean } = {}): Promise<Ticket> {
    const viewer = requireViewer(scope);
    const reference = REFERENCE.exec(idOrReference.trim());
    const [property, value] = reference ? (["number", Number(reference[1])] as const) : (["id", idOrReference] as const);
    const ticket = options.snapshot
      ? await findSnapshotBy(scope.em, Ticket, property, value, ticketPeople(scope.loaders))
      : await scope.em.findOne(Ticket, { [property]: value } as FilterQuery<Ticket>, { refresh: options.refresh });
    if (!ticket || !(await canSeeTicket(ticket, viewer, scope))) throw new NotFoundError("Ticket", idOrReference);
    return ticket;
  }

  /** A page of the tickets the viewer may see, filtered and ordered (keyset cursors); their people primed into the scope's loaders. */
  list(scope: RequestScope, filter: TicketFilter | undefined, order: TicketOrder | undefined, page: PageRequest) {
    const viewer = requireViewer(scope);
    assertTicketFilter(filter, viewer);
    const where = ticketWhere(filter, { viewer, now: scope.clock.now(), fulltext: scope.em.getPlatform().supportsCreatingFullTextIndex() });
    // Snapshots: a page of tickets is only read, and hydrating 50 tickets cost more than the query.
    return paginate(scope.em, Ticket, where, ticketSort(order), page, { snapshots: true, joins: ticketPeople(scope.loaders) });
  }

  async create(scope: RequestScope, input: CreateTicketInput): Promise<Ticket> {
    const viewer = requireViewer(scope);
    const subject = cleanSubject(input.subject, "input.subject");
    const description = checkDescription(input.description, "input.description");
    const category = cleanCategory(input.category, "input.category");
    const priority = input.priority ?? Priority.NORMAL;
    const onBehalf = input.requesterId != null && input.requesterId !== viewer.userId;
    if (onBehalf && !isStaff(viewer.role)) throw new ForbiddenError("Only agents and admins open tickets for someone else.");
    await ensureTicketCounter(scope.em);
    return conflictOnRace("ticket", () =>
      this.events.transaction(scope, async (tx) => {
        const requesterId = onBehalf ? (await this.requireCustomer(tx.em, input.requesterId!)).id : viewer.userId;
        const now = tx.clock.now();
        const ticket = tx.em.create(Ticket, {
          number: await takeTicketNumber(tx.em),
          subject,
          description,
          category,
          requester: tx.em.getReference(User, requesterId, { wrapped: true }),
          // The SLA clock starts at creation, on the scope's clock; updatedAt is BaseEntity's (wall time).
          createdAt: now,
          firstResponseDueAt: now,
          resolutionDueAt: now,
          slaDueAt: now,
          slaAtRiskAt: now,
        });
        ticket.setPriority(priority);
        scheduleDeadlines(ticket, this.sla);
        await this.events.raise(tx, {
          type: "ticket.created",
          ...ticketEvent(ticket),
          payload: { number: ticket.number, subject, priority, category, requesterId, ...(onBehalf ? { onBehalf: true as const } : {}), ...attachmentIdsOf(input.attachmentIds) },
        });
        return ticket;
      }),
    );
  }

  async update(scope: RequestScope, id: string, input: UpdateTicketInput, expectedVersion?: number | null): Promise<Ticket> {
    const viewer = requireViewer(scope);
    const wanted = {
      subject: input.subject != null ? cleanSubject(input.subject, "input.subject") : undefined,
      description: input.description != null ? checkDescription(input.description, "input.description") : undefined,
      category: input.category !== undefined ? cleanCategory(input.category, "input.category") : undefined,
      priority: input.priority ?? undefined,
    };
    if (Object.values(wanted).every((v) => v === undefined)) throw new BadUserInputError("Pass at least one field to change.", "input");
    return conflictOnRace("ticket", () =>
      this.events.transaction(scope, async (tx) => {
        const ticket = await this.get(tx, id, { refresh: true });
        assertVersion("ticket", ticket.version, expectedVersion);
        this.assertEditable(ticket, viewer);
        if (wanted.priority !== undefined && wanted.priority !== ticket.priority && !isStaff(viewer.role)) {
          throw new ForbiddenError("Only agents and admins change a ticket's priority.");
        }
        const changes: TicketChanges = {};
        for (const field of ["subject", "description", "category", "priority"] as const) {
          const to = wanted[field];
          if (to !== undefined && to !== ticket[field]) changes[field] = { from: ticket[field], to };
        }
        if (!Object.keys(changes).length) return unchanged(tx.em, ticket);
        if (wanted.subject !== undefined) ticket.subject = wanted.subject;
        if (wanted.description !== undefined) ticket.description = wanted.description;
        if (wanted.category !== undefined) ticket.category = wanted.category;
        if (changes.priority) {
          ticket.setPriority(wanted.priority!);
          scheduleDeadlines(ticket, this.sla);
        }
        // The description can be 20,000 characters: the trail notes that it changed, not both versions.
        if (changes.description) changes.description = { from: `${String(changes.description.from).length} characters`, to: `${wanted.description!.length} characters` };
        await this.events.raise(tx, { type: "ticket.updated", ...ticketEvent(ticket), payload: { changes } });
        return ticket;
      }),
    );
  }

  async assign(scope: RequestScope, id: string, assigneeId: string | null, expectedVersion?: number | null): Promise<Ticket> {
    return conflictOnRace("ticket", () =>
      this.events.transaction(scope, async (tx) => {
        const ticket = await this.get(tx, id, { refresh: true });
        assertVersion("ticket", ticket.version, expectedVersion);
        this.assertAssignable(ticket);
        const assignee = assigneeId != null ? await this.requireAgent(tx.em, assigneeId) : null;
        if (!(await this.assignLoaded(tx, ticket, assignee?.id ?? null))) return unchanged(tx.em, ticket);
        return ticket;
      }),
    );
  }

  async transition(scope: RequestScope, id: string, to: TicketStatus, expectedVersion?: number | null, reasonInput?: string | null): Promise<Ticket> {
    const viewer = requireViewer(scope);
    const reason = cleanReason(reasonInput, "reason");
    return conflictOnRace("ticket", () =>
      this.events.transaction(scope, async (tx) => {
        const ticket = await this.get(tx, id, { refresh: true });
        assertVersion("ticket", ticket.version, expectedVersion);
        this.assertTransitionFor(ticket, viewer, to);
        await this.moveTo(tx, viewer.userId, ticket, to, reason);
        return ticket;
      }),
    );
  }

  /**
   * A move the desk makes on its own (a life cycle job, lifecycle/ticket-lifecycle.jobs.ts), inside the
   * caller's transaction: no viewer, so the event and its audit name no actor (the system).
   * `still` re-checks the ticket under its row lock; when it no longer holds nothing moves (null).
   */
  async moveAsSystem(tx: RequestScope, id: string, to: TicketStatus, reason: string, still: (ticket: Ticket) => boolean): Promise<Ticket | null> {
    const ticket = await tx.em.findOne(Ticket, { id }, FOR_UPDATE);
    if (!ticket || !still(ticket)) return null;
    await this.moveTo(tx, null, ticket, to, reason);
    return ticket;
  }

  /**
   * What a new comment does to its ticket, inside the comment's transaction (a comment.added
   * subscriber, ticket.subscribers.ts): the first public agent comment is the first response; a
   * customer's reply hands a waiting ticket back. Decided first on the ticket as the comment
   * found it (most comments change nothing), then on the ticket re-read for the change.
   */
  async applyComment(tx: RequestScope, event: DomainEvent<"comment.added">): Promise<void> {
    const { ticket: found, internal, authorRole } = event.payload;
    const ticketId = event.refs.ticketId;
    if (!found || !ticketId || internal) return;
    const author = { role: authorRole };
    const isFirstResponse = (hasFirstResponse: boolean) => isStaff(authorRole) && !hasFirstResponse;
    if (!isFirstResponse(found.hasFirstResponse) && !statusAfterComment(found.status, author, internal)) return;
    // Concurrent replies queue on the ticket's row lock, and each decides on what the one before
    // it committed (a locking read sees the latest commit): the first records the first response
    // or moves the ticket, the others find nothing left to do. A version check here refused
    // replies for a race their authors did not make.
    const current = await tx.em.findOneOrFail(Ticket, { id: ticketId }, LOCKED_READ_ONLY);
    if (!isFirstResponse(current.firstResponseAt !== null) && !statusAfterComment(current.status, author, internal)) return;
    // Managed for the change; the lock is this transaction's, so the row cannot move under it.
    const ticket = await tx.em.findOneOrFail(Ticket, { id: ticketId }, FOR_UPDATE);
    if (isFirstResponse(ticket.firstResponseAt !== null)) recordFirstResponse(ticket, tx.clock.now(), this.sla);
    const next = statusAfterComment(ticket.status, author, internal);
    if (next) await this.moveTo(tx, event.actorId, ticket, next, "customer replied");
  }

  /*
   * The checks and writes of assign(), transition() and a priority change, on tickets the caller
   * loaded under lock in its own events.transaction, for changes to many tickets at once
   * (modules/bulk, modules/merge): one state machine, one set of events, whatever the entry.
   */

  /** Throws FORBIDDEN as assign() would for a ticket that takes no assignee (closed). */
  assertAssignable(ticket: Ticket): void {
    if (isFinal(ticket.status)) throw new ForbiddenError("A closed ticket can no longer be assigned.");
  }

  /** Throws INVALID_TRANSITION as transition() would unless `viewer` may move `ticket` to `to`. */
  assertTransitionFor(ticket: Ticket, viewer: Viewer, to: TicketStatus): void {
    assertTransition(ticket.status, to, { role: viewer.role, isRequester: isRequester(ticket, viewer) });
  }

  /** Throws FORBIDDEN as update() would unless `viewer` may change `ticket`'s priority. */
  assertPriorityChange(ticket: Ticket, viewer: Viewer): void {
    this.assertEditable(ticket, viewer);
    if (!isStaff(viewer.role)) throw new ForbiddenError("Only agents and admins change a ticket's priority.");
  }

  /** The assignee a bulk change names, checked as assign() checks it (BAD_USER_INPUT on `field`). */
  async findAssignee(tx: EntityManager, userId: string, field = "assigneeId"): Promise<User> {
    return this.requireAgent(tx, userId, field);
  }

  /** Sets the assignee of a ticket loaded in `tx` and raises ticket.assigned; false when it already was (nothing raised). */
  async assignLoaded(tx: RequestScope, ticket: Ticket, assigneeId: string | null): Promise<boolean> {
    const from = ticket.assignee?.id ?? null;
    if (from === assigneeId) return false;
    ticket.assignee = assigneeId ? tx.em.getReference(User, assigneeId, { wrapped: true }) : null;
    await this.events.raise(tx, { type: "ticket.assigned", ...ticketEvent(ticket), payload: { from, to: assigneeId } });
    return true;
  }

  /** Sets the priority of a ticket loaded in `tx` (its deadlines follow) and raises ticket.updated; false when unchanged. */
  async prioritizeLoaded(tx: RequestScope, ticket: Ticket, priority: Priority): Promise<boolean> {
    if (ticket.priority === priority) return false;
    const changes: TicketChanges = { priority: { from: ticket.priority, to: priority } };
    ticket.setPriority(priority);
    scheduleDeadlines(ticket, this.sla);
    await this.events.raise(tx, { type: "ticket.updated", ...ticketEvent(ticket), payload: { changes } });
    return true;
  }

  /** Moves a ticket loaded in `tx` (checked by the caller with assertTransitionFor) and raises ticket.transitioned. */
  async moveLoaded(tx: RequestScope, actorId: string | null, ticket: Ticket, to: TicketStatus, reason?: string): Promise<void> {
    await this.moveTo(tx, actorId, ticket, to, reason);
  }

  /** Changes the status with its timestamps and SLA clock, and raises ticket.transitioned. */
  private async moveTo(tx: RequestScope, actorId: string | null, ticket: Ticket, to: TicketStatus, reason?: string): Promise<void> {
    const from = ticket.status;
    const now = tx.clock.now();
    applyStatusChange(ticket, from, to, now, this.sla);
    ticket.status = to;
    if (to === TicketStatus.RESOLVED) ticket.resolvedAt = now;
    if (to === TicketStatus.OPEN) ticket.resolvedAt = null;
    if (to === TicketStatus.CLOSED) ticket.closedAt = now;
    await this.events.raise(tx, { type: "ticket.transitioned", actorId, ...ticketEvent(ticket), payload: { from, to, ...(reason ? { reason } : {}) } });
  }

  private assertEditable(ticket: Ticket, viewer: Viewer): void {
    if (canEdit(ticket, viewer)) return;
    if (isFinal(ticket.status)) throw new ForbiddenError("A closed ticket can no longer be edited.");
    throw new ForbiddenError("A resolved ticket can no longer be edited; reopen it first.");
  }

  private async requireCustomer(tx: EntityManager, userId: string): Promise<User> {
    const user = await tx.findOne(User, { id: userId }, READ_ONLY);
    if (!user) throw new BadUserInputError(`No user has the id "${userId}".`, "input.requesterId");
    if (user.role !== Role.CUSTOMER) throw new BadUserInputError(`Tickets are opened for customers; ${user.displayName} is not one.`, "input.requesterId");
    if (user.deactivatedAt) throw new BadUserInputError(`${user.displayName} is deactivated.`, "input.requesterId");
    return user;
  }

  private async requireAgent(tx: EntityManager, userId: string, field = "assigneeId"): Promise<User> {
    const user = await tx.findOne(User, { id: userId }, READ_ONLY);
    if (!user) throw new BadUserInputError(`No user has the id "${userId}".`, field);
    if (!isStaff(user.role)) throw new BadUserInputError(`Tickets are assigned to agents and admins; ${user.displayName} is a customer.`, field);
    if (user.deactivatedAt) throw new BadUserInputError(`${user.displayName} is deactivated and cannot be assigned tickets.`, field);
    return user;
  }
}
