import type { BusinessHours } from "./business-hours.js";
import { TicketStatus } from "./ticket.enums.js";
import { CLOCK_PAUSED } from "./ticket.sla.js";

/** Why the SLA clock ran or stood still during a stretch of a ticket's life. */
export enum SlaSegmentKind {
  RUNNING = "RUNNING",
  PAUSED = "PAUSED",
  OUTSIDE_HOURS = "OUTSIDE_HOURS",
  HOLIDAY = "HOLIDAY",
}

export interface SlaSegmentData {
  start: Date;
  end: Date;
  kind: SlaSegmentKind;
  reason: string;
}

/** A status change as the timeline needs it: when, and into which status. */
export interface StatusChange {
  at: Date;
  to: TicketStatus;
}

const PAUSE_REASON: Partial<Record<TicketStatus, string>> = {
  [TicketStatus.WAITING_ON_CUSTOMER]: "Waiting on the customer",
  [TicketStatus.RESOLVED]: "Resolved",
  [TicketStatus.CLOSED]: "Closed: the clock stopped",
};

/** The most recent stretches a timeline lists (a ticket open for months has hundreds of nights). */
export const TIMELINE_MAX = 500;

/**
 * The clock explaining itself: from creation until `now`, each stretch in which it ran, stood still
 * because of the ticket's status (and which), or did not count because it was outside business
 * hours or a holiday. Built from the ticket's status changes (its audit trail) and the calendar,
 * so "why did a paused clock keep ticking?" has an answer on the ticket itself.
 */
export function slaTimeline(createdAt: Date, changes: readonly StatusChange[], now: Date, hours: BusinessHours | null): SlaSegmentData[] {
  const points: StatusChange[] = [{ at: createdAt, to: TicketStatus.OPEN }, ...[...changes].sort((a, b) => a.at.getTime() - b.at.getTime())];
  const out: SlaSegmentData[] = [];
  const push = (start: Date, end: Date, kind: SlaSegmentKind, reason: string) => {
    if (end <= start) return;
    const prev = out.at(-1);
    if (prev && prev.kind === kind && prev.reason === reason && prev.end.getTime() === start.getTime()) prev.end = end;
    else out.push({ start, end, kind, reason });
  };
  for (let i = 0; i < points.length; i++) {
    const start = new Date(Math.max(points[i]!.at.getTime(), createdAt.getTime()));
    const end = points[i + 1]?.at ?? now;
    const status = points[i]!.to;
    if (CLOCK_PAUSED.has(status)) push(start, end, SlaSegmentKind.PAUSED, PAUSE_REASON[status] ?? status);
    else if (!hours) push(start, end, SlaSegmentKind.RUNNING, "The desk owes an answer");
    else {
      for (const part of hours.segments(start, end)) {
        if (part.open) push(part.start, part.end, SlaSegmentKind.RUNNING, "The desk owes an answer");
        else if (part.holiday) push(part.start, part.end, SlaSegmentKind.HOLIDAY, "Holiday: the desk is closed");
        else push(part.start, part.end, SlaSegmentKind.OUTSIDE_HOURS, "Outside business hours");
      }
    }
  }
  return out.slice(-TIMELINE_MAX);
}
