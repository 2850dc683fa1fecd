import { raw } from "@mikro-orm/core";
import type { EntityManager as SqlEntityManager } from "@mikro-orm/knex";
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { textLength } from "../../core/text.js";
import { conflictOnRace, LOCKED_READ_ONLY } from "../../core/writes.js";
import { canView, isRequester } from "../tickets/ticket.access.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";
import { isRateable } from "./satisfaction.access.js";
import { ratingEvent } from "./satisfaction.events.js";
import { RATING_CHANGE_DAYS, RATING_COMMENT_MAX, SCORE_MAX, SCORE_MIN, TicketSatisfaction } from "./ticket-satisfaction.entity.js";

const DAY_MS = 86_400_000;
export const MAX_STATS_DAYS = 366;

export enum SatisfactionGroupBy {
  AGENT = "AGENT",
  WEEK = "WEEK",
}

export interface SatisfactionFigures {
  count: number;
  /** Null when nothing was rated. */
  average: number | null;
  /** How many ratings gave 1, 2, 3, 4 and 5. */
  distribution: number[];
}

export interface SatisfactionGroupFigures extends SatisfactionFigures {
  agent: User | null;
  weekStart: Date | null;
}

export interface SatisfactionStatsResult extends SatisfactionFigures {
  from: Date;
  to: Date;
  groupBy: SatisfactionGroupBy;
  groups: SatisfactionGroupFigures[];
}

/** The UTC day since the epoch of a datetime column (MySQL computes it without the session time zone; SQLite stores epoch milliseconds). */
function dayNumberSql(dialect: "mysql" | "sqlite", column: string): string {
  return dialect === "mysql" ? `timestampdiff(day, '1970-01-01 00:00:00', ${column})` : `cast(${column} / ${DAY_MS} as integer)`;
}

/** The Monday (UTC) starting the week of a day number; 1970-01-01 was a Thursday. */
const weekStartOf = (day: number) => new Date((Math.floor((day + 3) / 7) * 7 - 3) * DAY_MS);

/**
 * Customer satisfaction: the requester rates their resolved ticket 1-5 with an optional comment,
 * once per ticket, and may change it for RATING_CHANGE_DAYS days; staff read the figures per
 * agent or per week (counted in SQL, one grouped query).
 */
export class SatisfactionService {
  constructor(
    private readonly events: DomainEvents,
    private readonly dialect: "mysql" | "sqlite",
  ) {}

  async rate(scope: RequestScope, ticketId: string, score: number, rawComment?: string | null): Promise<TicketSatisfaction> {
    const viewer = requireViewer(scope);
    if (!Number.isInteger(score) || score < SCORE_MIN || score > SCORE_MAX) throw new BadUserInputError(`The score must be a whole number from ${SCORE_MIN} to ${SCORE_MAX}.`, "score");
    const comment = typeof rawComment === "string" && rawComment.trim() ? rawComment.trim() : null;
    if (comment && textLength(comment) > RATING_COMMENT_MAX) throw new BadUserInputError(`The comment must be at most ${RATING_COMMENT_MAX} characters.`, "comment");
    if (comment && /[\p{Cc}\p{Cf}]/u.test(comment.replace(/[\r\n\t]/g, ""))) throw new BadUserInputError("The comment contains invisible control characters.", "comment");
    return conflictOnRace("rating", () =>
      this.events.transaction(scope, async (tx) => {
        // Locked: two ratings of one ticket queue here, the second finds the first.
        const ticket = await tx.em.findOne(Ticket, { id: ticketId }, LOCKED_READ_ONLY);
        if (!ticket || !canView(ticket, viewer)) throw new NotFoundError("Ticket", ticketId);
        if (!isRequester(ticket, viewer)) throw new ForbiddenError("Only the customer who opened the ticket rates it.");
        if (!isRateable(ticket)) throw new ForbiddenError("A ticket can be rated once it is resolved.");
        const now = tx.clock.now();
        const existing = await tx.em.findOne(TicketSatisfaction, { ticket: ticket.id });
        if (existing && existing.changeableUntil <= now) {
          throw new ConflictError(`This ticket was rated on ${existing.createdAt.toISOString().slice(0, 10)}; a rating can be changed for ${RATING_CHANGE_DAYS} days only.`, {
            changeableUntil: existing.changeableUntil.toISOString(),
          });
        }
        const previousScore = existing?.score ?? null;
        const rating =
          existing ??
          tx.em.create(TicketSatisfaction, {
            ticket: tx.em.getReference(Ticket, ticket.id),
            requester: tx.em.getReference(User, viewer.userId),
            agent: ticket.assignee ? tx.em.getReference(User, ticket.assignee.id) : null,
            score,
            ratedAt: now,
            createdAt: now,
          });
        rating.score = score;
        rating.comment = comment;
        rating.ratedAt = now;
        await this.events.raise(tx, { type: "ticket.rated", ...ratingEvent(ticket), payload: { score, previousScore, commented: comment !== null, agentId: rating.agent?.id ?? null } });
        return rating;
      }),
    );
  }

  async stats(scope: RequestScope, from: Date, to: Date, groupBy: SatisfactionGroupBy): Promise<SatisfactionStatsResult> {
    if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw new BadUserInputError('"from" must be a date-time.', "from");
    if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw new BadUserInputError('"to" must be a date-time.', "to");
    if (to <= from) throw new BadUserInputError('"to" must be after "from".', "to");
    if (to.getTime() - from.getTime() > MAX_STATS_DAYS * DAY_MS) throw new BadUserInputError(`The span must be at most ${MAX_STATS_DAYS} days.`, "to");
    const em = scope.em as SqlEntityManager;
    const key = groupBy === SatisfactionGroupBy.AGENT ? "s.agent_id" : dayNumberSql(this.dialect, "s.rated_at");
    type Row = { k: string | number | null; score: number | string; n: number | string };
    const rows = await em
      .createQueryBuilder(TicketSatisfaction, "s")
      .select([raw(`${key} as k`), "s.score", raw("count(*) as n")])
      .where({ ratedAt: { $gte: from, $lt: to } })
      .groupBy([raw(key), "s.score"])
      .execute<Row[]>("all", false);

    const total = blank();
    const groups = new Map<string, SatisfactionFigures & { agentId: string | null; weekStart: Date | null }>();
    for (const row of rows) {
      const weekStart = groupBy === SatisfactionGroupBy.WEEK ? weekStartOf(Number(row.k)) : null;
      const groupKey = weekStart ? weekStart.toISOString() : String(row.k ?? "");
      let group = groups.get(groupKey);
      if (!group) groups.set(groupKey, (group = { ...blank(), agentId: weekStart ? null : row.k === null ? null : String(row.k), weekStart }));
      add(group, Number(row.score), Number(row.n));
      add(total, Number(row.score), Number(row.n));
    }
    const agentIds = [...groups.values()].map((g) => g.agentId).filter((id): id is string => id !== null);
    const agents = agentIds.length ? new Map((await em.find(User, { id: { $in: agentIds } })).map((u) => [u.id, u])) : new Map<string, User>();
    const list = [...groups.values()].map((g) => ({ count: g.count, distribution: g.distribution, average: averageOf(g), weekStart: g.weekStart, agent: g.agentId ? (agents.get(g.agentId) ?? null) : null }));
    list.sort(groupBy === SatisfactionGroupBy.WEEK ? (a, b) => a.weekStart!.getTime() - b.weekStart!.getTime() : (a, b) => b.count - a.count || (a.agent?.displayName ?? "").localeCompare(b.agent?.displayName ?? ""));
    return { from, to, groupBy, count: total.count, distribution: total.distribution, average: averageOf(total), groups: list };
  }
}

const blank = (): SatisfactionFigures => ({ count: 0, average: null, distribution: [0, 0, 0, 0, 0] });

function add(figures: SatisfactionFigures, score: number, n: number): void {
  if (score < SCORE_MIN || score > SCORE_MAX) return;
  figures.count += n;
  figures.distribution[score - 1]! += n;
}

/** The mean score, to two decimals; null when nothing was rated. */
function averageOf(f: SatisfactionFigures): number | null {
  if (!f.count) return null;
  const sum = f.distribution.reduce((s, n, i) => s + n * (i + 1), 0);
  return Math.round((sum / f.count) * 100) / 100;
}
