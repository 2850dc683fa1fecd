import { raw } from "@mikro-orm/core";
import type { EntityManager as SqlEntityManager } from "@mikro-orm/knex";
import { BadUserInputError } from "../../core/errors.js";
import type { RequestScope } from "../../core/scope.js";
import { Ticket } from "./ticket.entity.js";

const DAY_MS = 86_400_000;
export const MAX_STATS_DAYS = 90;

export interface TicketDayCount {
  /** Start of the day (UTC). */
  day: Date;
  created: number;
  resolved: number;
}

export interface TicketStats {
  from: Date;
  to: Date;
  created: number;
  resolved: number;
  days: TicketDayCount[];
}

/**
 * The day since the epoch (UTC) of a datetime column, as SQL: MySQL/MariaDB compute it from the
 * DATETIME without the session time zone; SQLite stores MikroORM datetimes as epoch milliseconds.
 */
function dayNumberSql(dialect: "mysql" | "sqlite", column: string): string {
  return dialect === "mysql" ? `timestampdiff(day, '1970-01-01 00:00:00', ${column})` : `cast(${column} / ${DAY_MS} as integer)`;
}

/**
 * The agent dashboard's trend: tickets created and resolved per UTC day, counted in SQL (one
 * grouped query each, a row per day, however many tickets the desk holds).
 */
export class TicketStatsService {
  constructor(private readonly dialect: "mysql" | "sqlite") {}

  /** The last `days` UTC days, today (so far) included, oldest first. */
  async perDay(scope: RequestScope, days: number): Promise<TicketStats> {
    if (!Number.isInteger(days) || days < 1 || days > MAX_STATS_DAYS) throw new BadUserInputError(`"days" must be a whole number from 1 to ${MAX_STATS_DAYS}.`, "days");
    const today = Math.floor(scope.clock.now().getTime() / DAY_MS);
    const firstDay = today - days + 1;
    const from = new Date(firstDay * DAY_MS);
    const to = new Date((today + 1) * DAY_MS);
    const em = scope.em as SqlEntityManager;

    const created = dayNumberSql(this.dialect, "t.created_at");
    // Resolved: the last resolution, or the closing of a ticket closed without one (a withdrawal).
    const resolved = dayNumberSql(this.dialect, "coalesce(t.resolved_at, t.closed_at)");
    type Row = { day: number | string; n: number | string };
    const [createdRows, resolvedRows] = await Promise.all([
      em
        .createQueryBuilder(Ticket, "t")
        .select([raw(`${created} as day`), raw("count(*) as n")])
        .where({ createdAt: { $gte: from, $lt: to } })
        .groupBy(raw(created))
        .execute<Row[]>("all", false),
      em
        .createQueryBuilder(Ticket, "t")
        .select([raw(`${resolved} as day`), raw("count(*) as n")])
        .where({ $or: [{ resolvedAt: { $gte: from, $lt: to } }, { resolvedAt: null, closedAt: { $gte: from, $lt: to } }] })
        .groupBy(raw(resolved))
        .execute<Row[]>("all", false),
    ]);

    const buckets = Array.from({ length: days }, (_, i): TicketDayCount => ({ day: new Date((firstDay + i) * DAY_MS), created: 0, resolved: 0 }));
    const add = (rows: Row[], key: "created" | "resolved") => {
      for (const row of rows) {
        const bucket = buckets[Number(row.day) - firstDay];
        if (bucket) bucket[key] += Number(row.n);
      }
    };
    add(createdRows, "created");
    add(resolvedRows, "resolved");
    const sum = (key: "created" | "resolved") => buckets.reduce((n, b) => n + b[key], 0);
    return { from, to, created: sum("created"), resolved: sum("resolved"), days: buckets };
  }
}
