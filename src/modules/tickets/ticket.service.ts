import type { EntityManager, FilterQuery } from "@mikro-orm/core";
import type { RequestMeta, Viewer } from "../../graphql/context.js";
import type { PageArgs } from "../../graphql/connection.types.js";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../../core/errors.js";
import { paginate } from "../../db/pagination.js";
import { findSnapshotBy } from "../../db/read-rows.js";
import { AuditAction } from "../audit/audit.actions.js";
import { recordAudit } from "../audit/audit.service.js";
import { notifyTicketResolved } from "../mail/ticket-notifications.js";
import { assertVersion, conflictOnRace, READ_ONLY, unchanged } from "../../core/writes.js";
import { User } from "../users/user.entity.js";
import { isStaff, Role } from "../users/user.role.js";
import { canEdit, canView, isRequester } from "./ticket.access.js";
import { Ticket } from "./ticket.entity.js";
import { TicketPriority, TicketStatus } from "./ticket.enums.js";
import { assertTicketFilter, ticketSort, ticketWhere } from "./ticket.filters.js";
import { applyStatusChange, recordFirstResponse, scheduleDeadlines, type SlaTargets } from "./ticket.sla.js";
import { assertTransition, isFinal, statusAfterComment } from "./ticket.states.js";
import type { CreateTicketInput, TicketFilter, TicketOrder, UpdateTicketInput } from "./ticket.types.js";
import { checkDescription, cleanCategory, cleanSubject } from "./ticket.validation.js";
import { ticketPeople } from "./ticket-people.js";
import type { Loaders } from "../../core/loaders.js";
import { ensureTicketCounter, takeTicketNumber } from "./ticket-number.js";

type Changes = Record<string, { from: unknown; to: unknown }>;

const REFERENCE = /^#?(\d{1,9})$/;

/** Tickets: lookup, lists, creation, edits, assignment and the life cycle (ticket.states.ts). */
export class TicketService {
  constructor(
    private readonly sla: SlaTargets,
    /** The SLA clock's time source; tests replace it to move time instead of waiting. */
    public clock: { now(): Date } = { now: () => new Date() },
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /**
   * One ticket by id or by reference ("#1042"), if the viewer may see it. Another customer's
   * ticket answers exactly like a missing one, so ids cannot be probed. `snapshot`: a read-only
   * copy (db/read-rows.ts) for queries, its requester and assignee primed into `loaders`; writes
   * load the managed entity.
   */
  async get(em: EntityManager, viewer: Viewer, idOrReference: string, options: { refresh?: boolean; snapshot?: Loaders } = {}): Promise<Ticket> {
    const reference = REFERENCE.exec(idOrReference.trim());
    const [property, value] = reference ? (["number", Number(reference[1])] as const) : (["id", idOrReference] as const);
    const ticket = options.snapshot
      ? await findSnapshotBy(em, Ticket, property, value, ticketPeople(options.snapshot))
      : await em.findOne(Ticket, { [property]: value } as FilterQuery<Ticket>, { refresh: options.refresh });
    if (!ticket || !canView(ticket, viewer)) throw new NotFoundError("Ticket", idOrReference);
    return ticket;
  }

  /** A page of the tickets the viewer may see, filtered and ordered (keyset cursors); their people primed into `loaders`. */
  list(em: EntityManager, loaders: Loaders, viewer: Viewer, filter: TicketFilter | undefined, order: TicketOrder | undefined, page: PageArgs) {
    assertTicketFilter(filter, viewer);
    const where = ticketWhere(filter, { viewer, now: this.now(), fulltext: em.getPlatform().supportsCreatingFullTextIndex() });
    // Snapshots: a page of tickets is only read, and hydrating 50 tickets cost more than the query.
    return paginate(em, Ticket, where, ticketSort(order), page, { snapshots: true, joins: ticketPeople(loaders) });
  }

  async create(em: EntityManager, request: RequestMeta, viewer: Viewer, input: CreateTicketInput): Promise<Ticket> {
    const subject = cleanSubject(input.subject, "input.subject");
    const description = checkDescription(input.description, "input.description");
    const category = cleanCategory(input.category, "input.category");
    const priority = input.priority ?? TicketPriority.NORMAL;
    const onBehalf = input.requesterId != null && input.requesterId !== viewer.userId;
    if (onBehalf && !isStaff(viewer.role)) throw new ForbiddenError("Only agents and admins open tickets for someone else.");
    await ensureTicketCounter(em);
    return conflictOnRace("ticket", () =>
      em.transactional(async (tx) => {
        const requesterId = onBehalf ? (await this.requireCustomer(tx, input.requesterId!)).id : viewer.userId;
        const now = this.now();
        const ticket = tx.create(Ticket, {
          number: await takeTicketNumber(tx),
          subject,
          description,
          category,
          requester: tx.getReference(User, requesterId, { wrapped: true }),
          // The SLA clock starts at creation, on the service's clock; updatedAt is BaseEntity's (wall time).
          createdAt: now,
          firstResponseDueAt: now,
          resolutionDueAt: now,
        });
        ticket.setPriority(priority);
        scheduleDeadlines(ticket, this.sla);
        recordAudit(tx, request, {
          action: AuditAction.TICKET_CREATED,
          actorId: viewer.userId,
          targetType: "Ticket",
          targetId: ticket.id,
          details: { number: ticket.number, subject, priority, category, requesterId, ...(onBehalf ? { onBehalf: true } : {}) },
        });
        await tx.flush();
        return ticket;
      }),
    );
  }

  async update(em: EntityManager, request: RequestMeta, viewer: Viewer, id: string, input: UpdateTicketInput, expectedVersion?: number | null): Promise<Ticket> {
    const wanted = {
      subject: input.subject != null ? cleanSubject(input.subject, "input.subject") : undefined,
      description: input.description != null ? checkDescription(input.description, "input.description") : undefined,
      category: input.category !== undefined ? cleanCategory(input.category, "input.category") : undefined,
      priority: input.priority ?? undefined,
    };
    if (Object.values(wanted).every((v) => v === undefined)) throw new BadUserInputError("Pass at least one field to change.", "input");
    return conflictOnRace("ticket", () =>
      em.transactional(async (tx) => {
        const ticket = await this.get(tx, viewer, id, { refresh: true });
        assertVersion("ticket", ticket.version, expectedVersion);
        this.assertEditable(ticket, viewer);
        if (wanted.priority !== undefined && wanted.priority !== ticket.priority && !isStaff(viewer.role)) {
          throw new ForbiddenError("Only agents and admins change a ticket's priority.");
        }
        const changes: Changes = {};
        for (const field of ["subject", "description", "category", "priority"] as const) {
          const to = wanted[field];
          if (to !== undefined && to !== ticket[field]) changes[field] = { from: ticket[field], to };
        }
        if (!Object.keys(changes).length) return unchanged(tx, ticket);
        if (wanted.subject !== undefined) ticket.subject = wanted.subject;
        if (wanted.description !== undefined) ticket.description = wanted.description;
        if (wanted.category !== undefined) ticket.category = wanted.category;
        if (changes.priority) {
          ticket.setPriority(wanted.priority!);
          scheduleDeadlines(ticket, this.sla);
        }
        // The description can be 20,000 characters: the trail notes that it changed, not both versions.
        if (changes.description) changes.description = { from: `${String(changes.description.from).length} characters`, to: `${wanted.description!.length} characters` };
        recordAudit(tx, request, { action: AuditAction.TICKET_UPDATED, actorId: viewer.userId, targetType: "Ticket", targetId: ticket.id, details: { changes } });
        await tx.flush();
        return ticket;
      }),
    );
  }

  async assign(em: EntityManager, request: RequestMeta, viewer: Viewer, id: string, assigneeId: string | null, expectedVersion?: number | null): Promise<Ticket> {
    return conflictOnRace("ticket", () =>
      em.transactional(async (tx) => {
        const ticket = await this.get(tx, viewer, id, { refresh: true });
        assertVersion("ticket", ticket.version, expectedVersion);
        if (isFinal(ticket.status)) throw new ForbiddenError("A closed ticket can no longer be assigned.");
        const assignee = assigneeId != null ? await this.requireAgent(tx, assigneeId) : null;
        const from = ticket.assignee?.id ?? null;
        const to = assignee?.id ?? null;
        if (from === to) return unchanged(tx, ticket);
        ticket.assignee = assignee ? tx.getReference(User, assignee.id, { wrapped: true }) : null;
        recordAudit(tx, request, { action: AuditAction.TICKET_ASSIGNED, actorId: viewer.userId, targetType: "Ticket", targetId: ticket.id, details: { from, to } });
        await tx.flush();
        return ticket;
      }),
    );
  }

  async transition(em: EntityManager, request: RequestMeta, viewer: Viewer, id: string, to: TicketStatus, expectedVersion?: number | null): Promise<Ticket> {
    return conflictOnRace("ticket", () =>
      em.transactional(async (tx) => {
        const ticket = await this.get(tx, viewer, id, { refresh: true });
        assertVersion("ticket", ticket.version, expectedVersion);
        assertTransition(ticket.status, to, { role: viewer.role, isRequester: isRequester(ticket, viewer) });
        this.moveTo(tx, request, viewer.userId, ticket, to, {});
        if (to === TicketStatus.RESOLVED) await notifyTicketResolved(tx, ticket, viewer.userId); // issue #6: emails the requester (mail module)
        await tx.flush();
        return ticket;
      }),
    );
  }

  /** Whether a new comment changes its ticket (see applyComment). */
  commentChangesTicket(ticket: Ticket, author: Viewer, internal: boolean): boolean {
    if (internal) return false;
    return (isStaff(author.role) && !ticket.firstResponseAt) || statusAfterComment(ticket.status, author, internal) !== null;
  }

  /**
   * What a new comment does to its ticket, inside the comment's transaction: the first public
   * agent comment is the first response; a customer's reply hands a waiting ticket back.
   */
  applyComment(tx: EntityManager, request: RequestMeta, author: Viewer, ticket: Ticket, internal: boolean): void {
    if (internal) return;
    const now = this.now();
    if (isStaff(author.role) && !ticket.firstResponseAt) recordFirstResponse(ticket, now);
    const next = statusAfterComment(ticket.status, author, internal);
    if (next) this.moveTo(tx, request, author.userId, ticket, next, { reason: "customer replied" });
  }

  /** Changes the status with its timestamps and SLA clock, and records the change. */
  private moveTo(tx: EntityManager, request: RequestMeta, actorId: string, ticket: Ticket, to: TicketStatus, extra: Record<string, unknown>): void {
    const from = ticket.status;
    const now = this.now();
    applyStatusChange(ticket, from, to, now, this.sla);
    ticket.status = to;
    if (to === TicketStatus.RESOLVED) ticket.resolvedAt = now;
    if (to === TicketStatus.OPEN) ticket.resolvedAt = null;
    if (to === TicketStatus.CLOSED) ticket.closedAt = now;
    recordAudit(tx, request, { action: AuditAction.TICKET_TRANSITIONED, actorId, targetType: "Ticket", targetId: ticket.id, details: { from, to, ...extra } });
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

  private async requireAgent(tx: EntityManager, userId: string): Promise<User> {
    const user = await tx.findOne(User, { id: userId }, READ_ONLY);
    if (!user) throw new BadUserInputError(`No user has the id "${userId}".`, "assigneeId");
    if (!isStaff(user.role)) throw new BadUserInputError(`Tickets are assigned to agents and admins; ${user.displayName} is a customer.`, "assigneeId");
    if (user.deactivatedAt) throw new BadUserInputError(`${user.displayName} is deactivated and cannot be assigned tickets.`, "assigneeId");
    return user;
  }
}
