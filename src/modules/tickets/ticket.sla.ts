import type { Priority } from "../../core/priority.js";
import type { BusinessHours } from "./business-hours.js";
import { TicketStatus } from "./ticket.enums.js";

/**
 * The SLA clock, pure arithmetic over a ticket's persisted columns so it can be tested with any
 * "now". The clock runs while the desk owes the customer something (OPEN, IN_PROGRESS) and
 * stands still while the ticket waits on the customer or is resolved/closed. Each completed
 * pause is added to `pausedSeconds` and pushes both deadlines back by the same amount, so
 * deadline = createdAt + target + pausedSeconds at all times, and "breached" is a comparison of
 * stored columns that SQL can filter on (see ticket.filters.ts, which mirrors isBreached()).
 *
 * With a business calendar (SLA_BUSINESS_HOURS, business-hours.ts) every duration here is business
 * time: "+" above adds business seconds, pauses are measured in business seconds, and the stored
 * deadlines are the instants at which that much business time will have passed. Without one,
 * business time is wall time.
 */

/** Targets in minutes per priority, from config.sla. */
export interface SlaTargets {
  firstResponseMinutes: Record<Priority, number>;
  resolutionMinutes: Record<Priority, number>;
  /** A running target is at risk (due soon) once this share of it is used up. */
  atRiskPercent: number;
  /** The desk's business hours; null: the clock counts every second. */
  hours: BusinessHours | null;
}

/** Business seconds in [from, to): wall seconds without a calendar. */
const between = (hours: BusinessHours | null, from: Date, to: Date): number => (hours ? hours.secondsBetween(from, to) : seconds(to.getTime() - from.getTime()));
/** The instant `s` business seconds after `from`. */
const later = (hours: BusinessHours | null, from: Date, s: number): Date => (hours ? hours.addSeconds(from, s) : addSeconds(from, s));

/** The ticket columns the clock reads and writes. */
export interface SlaClock {
  createdAt: Date;
  priority: Priority;
  clockPausedSince: Date | null;
  pausedSeconds: number;
  firstResponseAt: Date | null;
  firstResponseSeconds: number | null;
  firstResponseLate: boolean;
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  /** The deadline the desk faces next: the first response's until it came, then the resolution's. */
  slaDueAt: Date;
  /** When that target becomes at risk (atRiskPercent of it used): stored so queues can filter and sort in SQL. */
  slaAtRiskAt: Date;
}

/** Where a ticket stands against its SLA, for `slaState`. */
export enum SlaState {
  ON_TRACK = "ON_TRACK",
  AT_RISK = "AT_RISK",
  BREACHED = "BREACHED",
  PAUSED = "PAUSED",
  MET = "MET",
}

/** Statuses in which the clock stands still. */
export const CLOCK_PAUSED: ReadonlySet<TicketStatus> = new Set([TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.RESOLVED, TicketStatus.CLOSED]);

const seconds = (ms: number) => Math.max(0, Math.floor(ms / 1000));
const addSeconds = (date: Date, s: number) => new Date(date.getTime() + s * 1000);

/** Both deadlines for a ticket created at `createdAt` whose clock has stood still `pausedSeconds`. */
export function deadlines(createdAt: Date, priority: Priority, pausedSeconds: number, targets: SlaTargets) {
  return {
    firstResponseDueAt: later(targets.hours, createdAt, targets.firstResponseMinutes[priority] * 60 + pausedSeconds),
    resolutionDueAt: later(targets.hours, createdAt, targets.resolutionMinutes[priority] * 60 + pausedSeconds),
  };
}

/** Business seconds the clock has run from creation until `at`: minus every pause, the current one included. */
export function workingSeconds(clock: SlaClock, at: Date, hours: BusinessHours | null = null): number {
  const running = between(hours, clock.createdAt, at) - clock.pausedSeconds;
  const currentPause = clock.clockPausedSince ? between(hours, clock.clockPausedSince, at) : 0;
  return Math.max(0, running - currentPause);
}

/** `timeOpen`: working seconds from creation until now, or until the clock stopped (resolved/closed). */
export const timeOpen = (clock: SlaClock, now: Date, hours: BusinessHours | null = null): number => workingSeconds(clock, now, hours);

/** `timeToFirstResponse`: working seconds until the first public agent response; null before it. */
export const timeToFirstResponse = (clock: SlaClock): number | null => clock.firstResponseSeconds;

/** Where the clock's hand stands: `now` while it runs, the start of the pause while it stands still. */
const hand = (clock: SlaClock, now: Date): Date => clock.clockPausedSince ?? now;

/**
 * Whether a target was missed: no first response by its deadline (judged once when the response
 * comes, else against the hand), or not resolved by the resolution deadline.
 */
export function isBreached(clock: SlaClock, now: Date): boolean {
  const at = hand(clock, now);
  const firstResponseMissed = clock.firstResponseAt ? clock.firstResponseLate : clock.firstResponseDueAt < at;
  return firstResponseMissed || clock.resolutionDueAt < at;
}

/** Sets the deadlines of a new ticket, or recomputes them after a priority change. */
export function scheduleDeadlines(clock: SlaClock, targets: SlaTargets): void {
  Object.assign(clock, deadlines(clock.createdAt, clock.priority, clock.pausedSeconds, targets));
  scheduleNextDue(clock, targets);
}

/** Points `slaDueAt` and `slaAtRiskAt` at the target the desk faces next. */
export function scheduleNextDue(clock: SlaClock, targets: SlaTargets): void {
  const firstPending = clock.firstResponseAt === null;
  const targetSeconds = (firstPending ? targets.firstResponseMinutes : targets.resolutionMinutes)[clock.priority] * 60;
  clock.slaDueAt = firstPending ? clock.firstResponseDueAt : clock.resolutionDueAt;
  // The at-risk share is of business time: 80% of an 8-hour target is 6.4 business hours in.
  clock.slaAtRiskAt = later(targets.hours, clock.createdAt, Math.round((targetSeconds * targets.atRiskPercent) / 100) + clock.pausedSeconds);
}

/**
 * Where the ticket stands: MET or BREACHED once resolved or closed; BREACHED as soon as a target
 * was missed; PAUSED while it waits on the customer; AT_RISK once the share of the running target
 * set by SLA_AT_RISK_PERCENT is used up; ON_TRACK before.
 */
export function slaState(clock: SlaClock, status: TicketStatus, now: Date): SlaState {
  const breached = isBreached(clock, now);
  if (status === TicketStatus.RESOLVED || status === TicketStatus.CLOSED) return breached ? SlaState.BREACHED : SlaState.MET;
  if (breached) return SlaState.BREACHED;
  if (clock.clockPausedSince) return SlaState.PAUSED;
  return clock.slaAtRiskAt <= now ? SlaState.AT_RISK : SlaState.ON_TRACK;
}

/**
 * Seconds until the next deadline (negative once it passed), measured from the clock's hand, so it
 * stands still while the clock does; null once the ticket is resolved or closed.
 */
export function slaSecondsLeft(clock: SlaClock, status: TicketStatus, now: Date): number | null {
  if (status === TicketStatus.RESOLVED || status === TicketStatus.CLOSED) return null;
  return Math.floor((clock.slaDueAt.getTime() - hand(clock, now).getTime()) / 1000);
}

/** Moves the clock for a status change at `at`: pauses on entering a paused status, resumes on leaving. */
export function applyStatusChange(clock: SlaClock, from: TicketStatus, to: TicketStatus, at: Date, targets: SlaTargets): void {
  const wasPaused = CLOCK_PAUSED.has(from) && clock.clockPausedSince !== null;
  const pauses = CLOCK_PAUSED.has(to);
  if (!wasPaused && pauses) clock.clockPausedSince = at;
  if (wasPaused && !pauses) {
    clock.pausedSeconds += between(targets.hours, clock.clockPausedSince!, at);
    clock.clockPausedSince = null;
    scheduleDeadlines(clock, targets);
  }
}

/** Records the first public agent response at `at` and judges it against its deadline, once. */
export function recordFirstResponse(clock: SlaClock, at: Date, targets: SlaTargets): void {
  if (clock.firstResponseAt) return;
  clock.firstResponseAt = at;
  clock.firstResponseSeconds = workingSeconds(clock, at, targets.hours);
  clock.firstResponseLate = clock.firstResponseDueAt < hand(clock, at);
  scheduleNextDue(clock, targets);
}
