import { Priority, PRIORITY_RANK } from "../../core/priority.js";
import { TicketStatus } from "../../modules/tickets/ticket.enums.js";
import { AGENT_REPLIES, CATEGORIES, CUSTOMER_REPLIES, INTERNAL_NOTES, subjectCategory, ticketDescription, ticketSubject } from "./demo-desk.text.js";
import { addMinutes, audit, between, comment, DAY, notAfterNow, spread, type DemoContext, type DemoUser, type Row } from "./demo-desk.model.js";

/** A generated ticket with the moments its comments must respect. */
export interface DemoTicket {
  row: Row;
  id: string;
  number: number;
  status: TicketStatus;
  requesterId: string;
  assigneeId: string | null;
  createdAt: Date;
  firstResponseAt: Date | null;
  /** Comments fall before this (closing, waiting on the customer) or before now. */
  quietAfter: Date;
}

const { OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED, CLOSED } = TicketStatus;

/** Older tickets are mostly finished; the last few days hold the live queue. */
function statusFor(ctx: DemoContext, ageDays: number): TicketStatus {
  if (ageDays > 14) return ctx.rnd.weighted([[CLOSED, 72], [RESOLVED, 18], [IN_PROGRESS, 5], [WAITING_ON_CUSTOMER, 4], [OPEN, 1]]);
  if (ageDays > 3) return ctx.rnd.weighted([[CLOSED, 25], [RESOLVED, 30], [IN_PROGRESS, 22], [WAITING_ON_CUSTOMER, 13], [OPEN, 10]]);
  return ctx.rnd.weighted([[OPEN, 45], [IN_PROGRESS, 33], [WAITING_ON_CUSTOMER, 15], [RESOLVED, 7]]);
}

const PRIORITIES: [Priority, number][] = [
  [Priority.LOW, 25],
  [Priority.NORMAL, 50],
  [Priority.HIGH, 18],
  [Priority.URGENT, 7],
];

/**
 * `count` tickets over the last 90 days, numbered from `firstNumber`, with the SLA columns,
 * assignments and status history the ticket module would have written (paused clocks, first
 * responses judged against their deadlines, resolution and closing times).
 */
const PRIORITY_ORDER = ["LOW", "NORMAL", "HIGH", "URGENT"] as const;

export function demoTickets(ctx: DemoContext, count: number, firstNumber: number): DemoTicket[] {
  const { rnd, now } = ctx;
  const start = now.getTime() - 90 * DAY;
  const step = (90 * DAY) / Math.max(1, count);
  const tickets: DemoTicket[] = [];
  for (let i = 0; i < count; i++) {
    const createdAt = new Date(Math.floor(start + (i + rnd.next()) * step));
    const status = statusFor(ctx, (now.getTime() - createdAt.getTime()) / DAY);
    const drawn = rnd.weighted(PRIORITIES);
    const requester = rnd.skewed(ctx.customers);
    const subject = ticketSubject((items) => rnd.pick(items));
    const description = ticketDescription(subject, (items) => rnd.pick(items));
    // A customer who says it is urgent usually gets a higher priority, as on a real desk.
    const priority = /urgent/i.test(description) && drawn !== "URGENT" ? PRIORITY_ORDER[PRIORITY_ORDER.indexOf(drawn) + 1]! : drawn;
    const frTarget = ctx.sla.firstResponseMinutes[priority];
    const resTarget = ctx.sla.resolutionMinutes[priority];
    const firstResponseDueAt = addMinutes(createdAt, frTarget);
    const resolutionDueAt = addMinutes(createdAt, resTarget);
    const id = rnd.uuid(createdAt);
    const number = firstNumber + i;
    audit(ctx, createdAt, "TICKET_CREATED", requester.id, "Ticket", id, { number, subject, priority, category: null, requesterId: requester.id });

    // Spam and duplicates are closed straight from OPEN, without an answer.
    const closedUnanswered = status === CLOSED && rnd.chance(0.12);
    const worked = status !== OPEN && !closedUnanswered;
    const assignee: DemoUser | null = worked || rnd.chance(0.25) ? rnd.weighted(ctx.staff.map((s) => [s, s.role === "ADMIN" ? 1 : 4] as const)) : null;
    let version = 1;
    let last = createdAt;
    const move = (at: Date, from: TicketStatus, to: TicketStatus, actorId: string) => {
      audit(ctx, at, "TICKET_TRANSITIONED", actorId, "Ticket", id, { from, to });
      version++;
      last = at;
    };

    let firstResponseAt: Date | null = null;
    let resolvedAt: Date | null = null;
    let closedAt: Date | null = null;
    let clockPausedSince: Date | null = null;
    let quietAfter = notAfterNow(ctx, now);
    if (assignee) {
      const assignedAt = between(ctx, createdAt, addMinutes(createdAt, Math.min(frTarget, 60)));
      audit(ctx, assignedAt, "TICKET_ASSIGNED", assignee.id, "Ticket", id, { from: null, to: assignee.id });
      version++;
      last = assignedAt;
    }
    if (worked) {
      // Most answers come well within target; a few are late, as on any desk.
      firstResponseAt = between(ctx, last, addMinutes(createdAt, rnd.exponential(frTarget * 0.45) + 1));
      move(firstResponseAt, OPEN, IN_PROGRESS, assignee!.id);
      if (status === WAITING_ON_CUSTOMER) {
        clockPausedSince = between(ctx, firstResponseAt, addMinutes(firstResponseAt, rnd.exponential(DAY / 60_000 / 2)));
        move(clockPausedSince, IN_PROGRESS, WAITING_ON_CUSTOMER, assignee!.id);
        quietAfter = clockPausedSince;
      }
      if (status === RESOLVED || status === CLOSED) {
        resolvedAt = between(ctx, firstResponseAt, addMinutes(createdAt, rnd.exponential(resTarget * 0.5) + 30));
        move(resolvedAt, IN_PROGRESS, RESOLVED, assignee!.id);
        clockPausedSince = resolvedAt;
        quietAfter = resolvedAt;
      }
      if (status === CLOSED) {
        closedAt = between(ctx, resolvedAt!, addMinutes(resolvedAt!, rnd.exponential(2 * 24 * 60)));
        move(closedAt, RESOLVED, CLOSED, rnd.chance(0.5) ? requester.id : assignee!.id);
      }
    }
    if (closedUnanswered) {
      closedAt = between(ctx, createdAt, addMinutes(createdAt, 240));
      clockPausedSince = closedAt;
      quietAfter = closedAt;
      move(closedAt, OPEN, CLOSED, (assignee ?? rnd.pick(ctx.staff)).id);
    }

    // The next deadline and when it turns at risk, as ticket.sla.ts scheduleNextDue() keeps them.
    const slaDueAt = firstResponseAt ? resolutionDueAt : firstResponseDueAt;
    const slaAtRiskAt = addMinutes(slaDueAt, -((firstResponseAt ? resTarget : frTarget) * (100 - ctx.sla.atRiskPercent)) / 100);
    const firstResponseSeconds = firstResponseAt ? Math.floor((firstResponseAt.getTime() - createdAt.getTime()) / 1000) : null;
    const row: Row = {
      id,
      number,
      subject,
      description,
      status,
      priority,
      priorityRank: PRIORITY_RANK[priority],
      // Mostly the thing's usual category, sometimes another (agents disagree), sometimes none.
      category: rnd.chance(0.8) ? (rnd.chance(0.9) ? subjectCategory(subject) : rnd.pick(CATEGORIES)) : null,
      requester: requester.id,
      assignee: assignee?.id ?? null,
      firstResponseAt,
      firstResponseSeconds,
      firstResponseLate: firstResponseAt !== null && firstResponseAt > firstResponseDueAt,
      resolvedAt,
      closedAt,
      clockPausedSince,
      pausedSeconds: 0,
      firstResponseDueAt,
      resolutionDueAt,
      slaDueAt,
      slaAtRiskAt,
      version,
      createdAt,
      updatedAt: last,
    };
    tickets.push({ row, id, number, status, requesterId: requester.id, assigneeId: assignee?.id ?? null, createdAt, firstResponseAt, quietAfter });
  }
  return tickets;
}

/**
 * `total` comments over the tickets: each answered ticket's first public staff comment is its
 * first response (at `firstResponseAt`); the rest mix customer replies, staff answers and
 * internal notes, busier on tickets that were worked longer.
 */
export function demoTicketComments(ctx: DemoContext, tickets: DemoTicket[], total: number): void {
  const { rnd } = ctx;
  const answered = tickets.filter((t) => t.firstResponseAt);
  for (const t of answered) comment(ctx, t.firstResponseAt!, t.assigneeId!, "TICKET", t.id, rnd.pick(AGENT_REPLIES), false);
  const weights = tickets.map((t) => (t.status === OPEN ? 1 : t.status === CLOSED || t.status === RESOLVED ? 4 : 3));
  const extra = spread(ctx, weights, Math.max(0, total - answered.length));
  tickets.forEach((t, i) => {
    for (let n = 0; n < extra[i]!; n++) {
      // Before the first response only the customer (and internal notes) speak.
      const from = t.firstResponseAt ?? t.createdAt;
      const at = between(ctx, from, t.quietAfter);
      const kind = t.firstResponseAt ? rnd.weighted([["customer", 45], ["staff", 35], ["internal", 20]] as const) : rnd.weighted([["customer", 80], ["internal", 20]] as const);
      const staffId = t.assigneeId ?? rnd.pick(ctx.staff).id;
      if (kind === "customer") comment(ctx, at, t.requesterId, "TICKET", t.id, rnd.pick(CUSTOMER_REPLIES), false);
      else if (kind === "staff") comment(ctx, at, staffId, "TICKET", t.id, rnd.pick(AGENT_REPLIES), false);
      else comment(ctx, at, staffId, "TICKET", t.id, rnd.pick(INTERNAL_NOTES), true);
      if (at > (t.row.updatedAt as Date)) t.row.updatedAt = at;
    }
  });
}
