import type { EntityManager } from "@mikro-orm/core";
import type { EntityManager as SqlEntityManager } from "@mikro-orm/knex";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { isStaff, Role, type Viewer } from "../../core/identity.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { LOCKED_READ_ONLY, READ_ONLY } from "../../core/writes.js";
import { contains, startsWith } from "../../db/text-match.js";
import { normaliseEmail } from "../auth/credentials.validation.js";
import { canSeeTicket, isRequester } from "../tickets/ticket.access.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { isFinal } from "../tickets/ticket.states.js";
import { User } from "../users/user.entity.js";
import { CC_MAX, TicketCc } from "./ticket-cc.entity.js";
import { ccsByTicket, watchersByTicket } from "./watcher.batch.js";
import { TicketWatcher } from "./ticket-watcher.entity.js";
import { ccEvent, watcherEvent } from "./watcher.events.js";
import { addWatcher } from "./watcher.writes.js";

export const MENTIONABLE_MAX = 20;

/**
 * Watchers and CC addresses of tickets. Anyone who sees a ticket may watch it (a customer sees
 * only their own); staff may add or remove other agents. The CC list is the staff's and the
 * requester's. Watching and un-watching are idempotent: repeating one changes nothing and raises
 * nothing. The emails themselves are sent by watcher.mail.ts, a comment.added subscriber.
 */
export class WatcherService {
  constructor(private readonly events: DomainEvents) {}

  async watch(scope: RequestScope, ticketId: string, userId?: string | null): Promise<Ticket> {
    const viewer = requireViewer(scope);
    const target = userId ?? viewer.userId;
    return this.events.transaction(scope, async (tx) => {
      const ticket = await this.visibleTicket(tx, viewer, ticketId);
      if (target !== viewer.userId) {
        if (!isStaff(viewer.role)) throw new ForbiddenError("Only agents and admins add other people as watchers.");
        await this.requireActiveAgent(tx.em, target);
      }
      await addWatcher(this.events, tx, ticket.id, target, viewer.userId, target === viewer.userId ? "SELF" : "ADDED");
      return ticket;
    });
  }

  async unwatch(scope: RequestScope, ticketId: string, userId?: string | null): Promise<Ticket> {
    const viewer = requireViewer(scope);
    const target = userId ?? viewer.userId;
    return this.events.transaction(scope, async (tx) => {
      const ticket = await this.visibleTicket(tx, viewer, ticketId);
      if (target !== viewer.userId && !isStaff(viewer.role)) throw new ForbiddenError("Only agents and admins remove other watchers.");
      // The DELETE's row count decides, so of two concurrent unwatches exactly one raises an event.
      const removed = await tx.em.nativeDelete(TicketWatcher, { ticket: ticket.id, user: target });
      watchersByTicket.forget(tx.em, ticket.id);
      if (removed) await this.events.raise(tx, { type: "ticket.unwatched", ...watcherEvent(ticket), payload: { userId: target } });
      return ticket;
    });
  }

  async addCc(scope: RequestScope, ticketId: string, rawEmail: string): Promise<Ticket> {
    const viewer = requireViewer(scope);
    const email = normaliseEmail(typeof rawEmail === "string" ? rawEmail : "", "email");
    return this.events.transaction(scope, async (tx) => {
      // Locked: concurrent additions queue here, so the cap holds.
      const ticket = await this.visibleTicket(tx, viewer, ticketId, true);
      this.assertCcEditor(ticket, viewer);
      if (isFinal(ticket.status)) throw new ForbiddenError("A closed ticket's CC list can no longer be changed.");
      const requester = await tx.em.findOne(User, { id: ticket.requester.id }, { ...READ_ONLY, fields: ["email"] });
      if (requester?.email === email) throw new BadUserInputError("The requester already receives every public reply.", "email");
      if (await tx.em.count(TicketCc, { ticket: ticket.id, email })) return ticket;
      if ((await tx.em.count(TicketCc, { ticket: ticket.id })) >= CC_MAX) {
        throw new BadUserInputError(`A ticket copies at most ${CC_MAX} addresses; remove one first.`, "email", { limit: CC_MAX });
      }
      tx.em.create(TicketCc, { ticket: tx.em.getReference(Ticket, ticket.id), email, addedBy: tx.em.getReference(User, viewer.userId) });
      ccsByTicket.forget(tx.em, ticket.id);
      await this.events.raise(tx, { type: "ticket.cc_added", ...ccEvent(ticket), payload: { email } });
      return ticket;
    });
  }

  async removeCc(scope: RequestScope, ticketId: string, rawEmail: string): Promise<Ticket> {
    const viewer = requireViewer(scope);
    const email = typeof rawEmail === "string" ? rawEmail.trim().toLowerCase() : "";
    return this.events.transaction(scope, async (tx) => {
      const ticket = await this.visibleTicket(tx, viewer, ticketId);
      this.assertCcEditor(ticket, viewer);
      const removed = await tx.em.nativeDelete(TicketCc, { ticket: ticket.id, email });
      ccsByTicket.forget(tx.em, ticket.id);
      if (removed) await this.events.raise(tx, { type: "ticket.cc_removed", ...ccEvent(ticket), payload: { email } });
      return ticket;
    });
  }

  /** Active agents and admins whose name contains, or whose email starts with, `search`: who can be mentioned or added as a watcher. */
  async mentionable(scope: RequestScope, search: string | null | undefined, first: number): Promise<User[]> {
    requireViewer(scope);
    if (!Number.isInteger(first) || first < 1 || first > MENTIONABLE_MAX) throw new BadUserInputError(`"first" must be 1 to ${MENTIONABLE_MAX}.`, "first");
    const term = search?.trim().toLowerCase() ?? "";
    if (term.length > 100) throw new BadUserInputError("The search text must be at most 100 characters.", "search");
    return scope.em.find(
      User,
      { role: { $in: [Role.AGENT, Role.ADMIN] }, deactivatedAt: null, ...(term ? { $or: [{ email: startsWith(term) }, { displayName: contains(term) }] } : {}) },
      { orderBy: { displayName: "ASC", id: "ASC" }, limit: first },
    );
  }

  /**
   * Moves the watchers and CC addresses of one ticket to another (a merge), inside the caller's
   * transaction: people already on the target stay once. Returns how many watchers moved.
   */
  async moveWatchers(em: EntityManager, fromTicketId: string, toTicketId: string): Promise<number> {
    const sql = em as SqlEntityManager;
    watchersByTicket.forget(em, fromTicketId, toTicketId);
    ccsByTicket.forget(em, fromTicketId, toTicketId);
    const [watchers, ccs, present, presentCcs] = await Promise.all([
      em.find(TicketWatcher, { ticket: fromTicketId }),
      em.find(TicketCc, { ticket: fromTicketId }),
      em.find(TicketWatcher, { ticket: toTicketId }, { fields: ["user"] }),
      em.find(TicketCc, { ticket: toTicketId }, { fields: ["email"] }),
    ]);
    const have = new Set(present.map((w) => w.user.id));
    const moving = watchers.filter((w) => !have.has(w.user.id)).map((w) => w.id);
    if (moving.length) await sql.nativeUpdate(TicketWatcher, { id: { $in: moving } }, { ticket: toTicketId });
    const haveCc = new Set(presentCcs.map((c) => c.email));
    const movingCcs = ccs.filter((c) => !haveCc.has(c.email)).slice(0, Math.max(0, CC_MAX - presentCcs.length)).map((c) => c.id);
    if (movingCcs.length) await sql.nativeUpdate(TicketCc, { id: { $in: movingCcs } }, { ticket: toTicketId });
    return moving.length;
  }

  /**
   * The ticket if the viewer sees it (canSeeTicket: staff, the requester, a manager of the
   * requester's organisation); any other answers NOT_FOUND, like a missing one.
   */
  private async visibleTicket(scope: RequestScope, viewer: Viewer, ticketId: string, lock = false): Promise<Ticket> {
    const ticket = await scope.em.findOne(Ticket, { id: ticketId }, lock ? LOCKED_READ_ONLY : READ_ONLY);
    if (!ticket || !(await canSeeTicket(ticket, viewer, scope))) throw new NotFoundError("Ticket", ticketId);
    return ticket;
  }

  /** The CC list is the desk's and the requester's (an organisation manager follows, but does not copy people in). */
  private assertCcEditor(ticket: Ticket, viewer: Viewer): void {
    if (!isStaff(viewer.role) && !isRequester(ticket, viewer)) throw new ForbiddenError("Only agents, admins and the requester change who is copied.");
  }

  private async requireActiveAgent(em: EntityManager, userId: string): Promise<User> {
    const user = await em.findOne(User, { id: userId }, READ_ONLY);
    if (!user) throw new BadUserInputError(`No user has the id "${userId}".`, "userId");
    if (!isStaff(user.role)) throw new BadUserInputError(`Only agents and admins can be added as watchers; ${user.displayName} is a customer.`, "userId");
    if (user.deactivatedAt) throw new BadUserInputError(`${user.displayName} is deactivated.`, "userId");
    return user;
  }
}
