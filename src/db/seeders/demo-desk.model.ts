import type { Priority } from "../../core/priority.js";
import type { SeededRandom } from "./seeded-random.js";

/** Rows as plain objects with entity property names (relations by id), ready for `em.insertMany`. */
export type Row = Record<string, unknown>;

export interface DemoUser {
  id: string;
  role: "CUSTOMER" | "AGENT" | "ADMIN";
}

/** What every part of the demo desk is generated from, and where it leaves its rows. */
export interface DemoContext {
  rnd: SeededRandom;
  now: Date;
  sla: { firstResponseMinutes: Record<Priority, number>; resolutionMinutes: Record<Priority, number>; atRiskPercent: number };
  customers: DemoUser[];
  /** Agents and the demo admin: who works tickets and issues. */
  staff: DemoUser[];
  auditEvents: Row[];
  comments: Row[];
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export const addMinutes = (date: Date, minutes: number): Date => new Date(date.getTime() + Math.round(minutes * MINUTE));

/** Every generated moment lies before `now`: a minute before it at the latest. */
export function notAfterNow(ctx: DemoContext, date: Date): Date {
  const latest = ctx.now.getTime() - MINUTE;
  return date.getTime() > latest ? new Date(latest) : date;
}

/** A random moment in [from, to], never before `from` and, unless `from` is, never after now. */
export function between(ctx: DemoContext, from: Date, to: Date): Date {
  const start = from.getTime();
  const end = Math.max(start, notAfterNow(ctx, to).getTime());
  return new Date(start + Math.floor(ctx.rnd.next() * (end - start)));
}

export function audit(ctx: DemoContext, at: Date, action: string, actorId: string | null, targetType: string, targetId: string, details: Record<string, unknown>): void {
  ctx.auditEvents.push({ id: ctx.rnd.uuid(at), actor: actorId, action, targetType, targetId, details, ip: null, userAgent: null, createdAt: at });
}

export function comment(ctx: DemoContext, at: Date, authorId: string, subjectType: "TICKET" | "ISSUE", subjectId: string, body: string, internal: boolean): void {
  const id = ctx.rnd.uuid(at);
  ctx.comments.push({ id, author: authorId, subjectType, subjectId, body, internal, editedAt: null, deletedAt: null, version: 1, createdAt: at, updatedAt: at });
  audit(ctx, at, "COMMENT_ADDED", authorId, "Comment", id, { subjectType, subjectId, internal });
}

/** Spreads `total` items over candidates in proportion to their weights (cumulative weights + binary search). */
export function spread(ctx: DemoContext, weights: readonly number[], total: number): number[] {
  const counts = weights.map(() => 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w));
  if (sum <= 0) return counts;
  for (let n = 0; n < total; n++) {
    const roll = ctx.rnd.next() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > roll) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]!++;
  }
  return counts;
}
