import { defineJob, type JobDefinition } from "../../core/jobs.js";
import type { EntityManager } from "@mikro-orm/core";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { Comment } from "../comments/comment.entity.js";
import { CommentSubjectType } from "../comments/comment.enums.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { TicketStatus } from "../tickets/ticket.enums.js";
import { ticketEvent } from "../tickets/ticket.events.js";
import type { TicketService } from "../tickets/ticket.service.js";

const DAY_MS = 86_400_000;

/** The life cycle's settings (TICKETS_* in config.ts), in days; 0 turns a step off. */
export interface LifecycleSettings {
  autoCloseDays: number;
  closeReminderDays: number;
  waitingReminderDays: number;
}

/**
 * How the life cycle counts days. Plain calendar days for now; a business-hours calendar
 * (working days, holidays) replaces it by implementing `addDays` and being passed to the jobs.
 */
export interface LifecycleCalendar {
  /** The moment `days` days after `from`. */
  addDays(from: Date, days: number): Date;
}

export const plainDays: LifecycleCalendar = { addDays: (from, days) => new Date(from.getTime() + days * DAY_MS) };

type CloseUnit = { step: "remind" | "close"; ticketId: string; number: number; resolvedAt: number; requesterId: string };
type WaitingUnit = { ticketId: string; number: number; waitingSince: number; requesterId: string };

/**
 * Resolved tickets nobody answers close on their own: TICKETS_CLOSE_REMINDER_DAYS after the
 * resolution the requester is reminded (ticket.reminded, which mails them), and
 * TICKETS_AUTO_CLOSE_DAYS after it, no sooner than the gap between the two after the reminder,
 * the ticket closes (ticket.transitioned, actor: the system). A public reply by the requester
 * since the resolution stops both. Units are keyed by ticket and resolution time, so a ticket
 * reopened and resolved again gets a new reminder.
 */
export function autoCloseJob(tickets: TicketService, events: DomainEvents, settings: LifecycleSettings, calendar: LifecycleCalendar = plainDays): JobDefinition<CloseUnit> {
  const { autoCloseDays, closeReminderDays } = settings;
  const key = (step: string, u: { ticketId: string; resolvedAt: number }) => `${step}:${u.ticketId}:${u.resolvedAt}`;
  return defineJob<CloseUnit>({
    name: "tickets.auto-close",
    description: `Reminds requesters of resolved tickets without a reply after ${closeReminderDays || "-"} day(s) and closes them after ${autoCloseDays || "-"} day(s) (TICKETS_AUTO_CLOSE_DAYS; 0: off).`,
    schedule: "*/15 * * * *",
    async units(scope) {
      if (!autoCloseDays) return [];
      const now = scope.clock.now();
      const firstStep = closeReminderDays || autoCloseDays;
      const resolved = await scope.em.find(Ticket, { status: TicketStatus.RESOLVED, resolvedAt: { $ne: null } }, { fields: ["id", "number", "resolvedAt", "requester"], orderBy: { resolvedAt: "ASC" }, disableIdentityMap: true });
      const due = resolved.filter((t) => calendar.addDays(t.resolvedAt!, firstStep) <= now);
      const answered = await requesterRepliedSince(scope.em, due);
      const units: { key: string; data: CloseUnit }[] = [];
      for (const ticket of due) {
        if (answered.has(ticket.id)) continue;
        const data = { ticketId: ticket.id, number: ticket.number, resolvedAt: ticket.resolvedAt!.getTime(), requesterId: ticket.requester.id };
        if (closeReminderDays) units.push({ key: key("remind", data), data: { ...data, step: "remind" } });
        if (calendar.addDays(ticket.resolvedAt!, autoCloseDays) > now) continue;
        if (closeReminderDays) {
          // The requester had the reminder for the gap between the two steps, however late the job ran.
          const remindedAt = await scope.completedAt(key("remind", data));
          if (!remindedAt || calendar.addDays(remindedAt, autoCloseDays - closeReminderDays) > now) continue;
        }
        units.push({ key: key("close", data), data: { ...data, step: "close" } });
      }
      return units;
    },
    async run(scope, { data }, { dryRun }) {
      const still = (t: Pick<Ticket, "status" | "resolvedAt">) => t.status === TicketStatus.RESOLVED && t.resolvedAt?.getTime() === data.resolvedAt;
      if (dryRun) {
        const ticket = await scope.em.findOne(Ticket, { id: data.ticketId }, { disableIdentityMap: true });
        return ticket && still(ticket) ? `would ${data.step} #${data.number}` : `#${data.number} changed meanwhile: nothing to do`;
      }
      if (data.step === "close") {
        const closed = await tickets.moveAsSystem(scope, data.ticketId, TicketStatus.CLOSED, "no reply after resolution", still);
        return closed ? `closed #${data.number}` : `#${data.number} changed meanwhile: left open`;
      }
      const ticket = await scope.em.findOne(Ticket, { id: data.ticketId });
      if (!ticket || !still(ticket)) return `#${data.number} changed meanwhile: no reminder`;
      const closesAt = calendar.addDays(scope.clock.now(), autoCloseDays - closeReminderDays).toISOString();
      await events.raise(scope, { type: "ticket.reminded", actorId: null, ...ticketEvent(ticket), payload: { kind: "CLOSE_PENDING", requesterId: data.requesterId, closesAt } });
      return `reminded the requester of #${data.number}`;
    },
  });
}

/**
 * Customers the desk waits on are reminded once per wait, TICKETS_WAITING_REMINDER_DAYS after
 * the ticket started waiting on them (ticket.reminded, which mails them).
 */
export function waitingReminderJob(events: DomainEvents, settings: LifecycleSettings, calendar: LifecycleCalendar = plainDays): JobDefinition<WaitingUnit> {
  const days = settings.waitingReminderDays;
  return defineJob<WaitingUnit>({
    name: "tickets.waiting-reminder",
    description: `Reminds customers of tickets waiting on their answer for ${days || "-"} day(s) (TICKETS_WAITING_REMINDER_DAYS; 0: off), once per wait.`,
    schedule: "*/15 * * * *",
    async units(scope) {
      if (!days) return [];
      const now = scope.clock.now();
      const waiting = await scope.em.find(Ticket, { status: TicketStatus.WAITING_ON_CUSTOMER, clockPausedSince: { $ne: null } }, { fields: ["id", "number", "clockPausedSince", "requester"], disableIdentityMap: true });
      return waiting
        .filter((t) => calendar.addDays(t.clockPausedSince!, days) <= now)
        .map((t) => {
          const data = { ticketId: t.id, number: t.number, waitingSince: t.clockPausedSince!.getTime(), requesterId: t.requester.id };
          return { key: `waiting:${t.id}:${data.waitingSince}`, data };
        });
    },
    async run(scope, { data }, { dryRun }) {
      const ticket = await scope.em.findOne(Ticket, { id: data.ticketId }, dryRun ? { disableIdentityMap: true } : {});
      if (!ticket || ticket.status !== TicketStatus.WAITING_ON_CUSTOMER || ticket.clockPausedSince?.getTime() !== data.waitingSince) return `#${data.number} no longer waits: no reminder`;
      if (dryRun) return `would remind the requester of #${data.number}`;
      await events.raise(scope, { type: "ticket.reminded", actorId: null, ...ticketEvent(ticket), payload: { kind: "AWAITING_REPLY", requesterId: data.requesterId } });
      return `reminded the requester of #${data.number}`;
    },
  });
}

/** The tickets whose requester wrote a public comment after the resolution. */
async function requesterRepliedSince(em: EntityManager, tickets: Pick<Ticket, "id" | "resolvedAt" | "requester">[]): Promise<Set<string>> {
  const answered = new Set<string>();
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const comments = await em.find(
      Comment,
      { subjectType: CommentSubjectType.TICKET, subjectId: { $in: chunk }, internal: false, deletedAt: null },
      { fields: ["subjectId", "author", "createdAt"], disableIdentityMap: true },
    );
    for (const c of comments) {
      const t = byId.get(c.subjectId)!;
      if (c.author.id === t.requester.id && c.createdAt > t.resolvedAt!) answered.add(t.id);
    }
  }
  return answered;
}
