import { DateTime } from "luxon";

/**
 * Business time: the hours a desk promises to work, in its own time zone, without its holidays.
 * SLA clocks count only these (ticket.sla.ts); a desk without a calendar counts every second.
 *
 * Days are cut in local time with the zone's rules (luxon), so a 09:00–17:00 day is eight hours
 * on the days clocks change too, and open seconds per local day are kept in a prefix sum: the
 * business time between two instants costs two partial days and one subtraction, however far
 * apart they are (a ticket list asks it of every row).
 */
export interface BusinessCalendar {
  /** Shown where the clock explains itself, e.g. "Mon-Fri 09:00-17:00 Europe/Berlin". */
  name: string;
  /** An IANA zone, e.g. "Europe/Berlin". */
  timeZone: string;
  /** Open intervals per ISO weekday (index 1 = Monday … 7 = Sunday), in minutes after local midnight (end up to 1440). */
  week: readonly (readonly (readonly [number, number])[])[];
  /** Local dates ("2026-12-25") on which the desk is closed all day. */
  holidays: ReadonlySet<string>;
}

/** A stretch of time inside or outside business hours, as the clock's explanation lists them. */
export interface HoursSegment {
  start: Date;
  end: Date;
  open: boolean;
  /** Closed because the day is a holiday (not merely outside the day's hours). */
  holiday: boolean;
}

const DAY_MS = 86_400_000;
/** How far ahead a deadline may be searched: a calendar open one hour a week still finds ten years of targets. */
const MAX_DAYS = 3660;

type Interval = readonly [number, number]; // epoch milliseconds, start inclusive, end exclusive

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/**
 * Reads "Mon-Fri 09:00-17:00; Sat 10:00-14:00" (days as ranges or lists, several intervals per
 * day). Throws an Error naming the part it cannot read; config.ts reports it at start.
 */
export function parseWeek(spec: string): BusinessCalendar["week"] {
  const week: [number, number][][] = Array.from({ length: 8 }, () => []);
  for (const part of spec.split(";").map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Za-z,\- ]+?)\s+((?:\d{1,2}:\d{2}-\d{1,2}:\d{2}\s*)+)$/.exec(part);
    if (!match) throw new Error(`cannot read "${part}" (expected e.g. "Mon-Fri 09:00-17:00")`);
    const days = parseDays(match[1]!, part);
    for (const range of match[2]!.trim().split(/\s+/)) {
      const [from, to] = range.split("-").map(minutesOf) as [number, number];
      if (!(from < to) || to > 1440) throw new Error(`"${range}" in "${part}" is not a time range within one day`);
      for (const day of days) week[day]!.push([from, to]);
    }
  }
  for (const day of week) {
    day.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < day.length; i++) if (day[i]![0] < day[i - 1]![1]) throw new Error(`overlapping hours in "${spec}"`);
  }
  if (!week.some((d) => d.length)) throw new Error("the week has no business hours");
  return week;
}

function parseDays(text: string, part: string): number[] {
  const days = new Set<number>();
  for (const item of text.toLowerCase().split(",").map((s) => s.trim())) {
    const [a, b] = item.split("-").map((s) => WEEKDAYS.indexOf(s.trim().slice(0, 3)) + 1);
    if (!a || (b !== undefined && !b)) throw new Error(`unknown weekday in "${part}"`);
    for (let d = a; ; d = (d % 7) + 1) {
      days.add(d);
      if (d === (b ?? a)) break;
    }
  }
  return [...days];
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  if (h > 24 || m > 59 || (h === 24 && m > 0)) throw new Error(`"${hhmm}" is not a time of day`);
  return h * 60 + m;
}

/** Reads "2026-12-25, 2026-12-26" into local dates; throws on anything else. */
export function parseHolidays(spec: string): Set<string> {
  const dates = spec.split(/[\s,;]+/).filter(Boolean);
  for (const date of dates) if (!DateTime.fromISO(date, { zone: "UTC" }).isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`"${date}" is not a date (YYYY-MM-DD)`);
  return new Set(dates);
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export const isTimeZone = (zone: string): boolean => DateTime.now().setZone(zone).isValid;

/** Business-time arithmetic over one calendar; keep one per calendar (it caches days). */
export class BusinessHours {
  /** Day ordinal (days since 1970-01-01 of the local date) of `open[0]`. */
  private base = 0;
  private open: Interval[][] = [];
  private holiday: boolean[] = [];
  /** cum[i]: open milliseconds of days base … base+i-1. */
  private cum: number[] = [0];

  constructor(readonly calendar: BusinessCalendar) {}

  /** Business seconds in [from, to) (0 when to is not after from), whole seconds. */
  secondsBetween(from: Date, to: Date): number {
    const a = from.getTime();
    const b = to.getTime();
    if (b <= a) return 0;
    const first = this.ordinal(a);
    const last = this.ordinal(b);
    this.ensure(first, last);
    if (first === last) return Math.floor(overlap(this.day(first), a, b) / 1000);
    const middle = this.cum[last - this.base]! - this.cum[first + 1 - this.base]!;
    return Math.floor((overlap(this.day(first), a, Infinity) + middle + overlap(this.day(last), -Infinity, b)) / 1000);
  }

  /** The earliest instant by which `seconds` of business time have passed since `from`. */
  addSeconds(from: Date, seconds: number): Date {
    let left = Math.max(0, seconds) * 1000;
    const start = from.getTime();
    if (left === 0) return new Date(start);
    let day = this.ordinal(start);
    for (let steps = 0; steps <= MAX_DAYS; steps++, day++) {
      this.ensure(day, day);
      for (const [s, e] of this.day(day)) {
        const begin = Math.max(s, start);
        if (e <= begin) continue;
        if (e - begin >= left) return new Date(begin + left);
        left -= e - begin;
      }
    }
    throw new Error(`no business time found within ${MAX_DAYS} days of ${from.toISOString()} in calendar "${this.calendar.name}"`);
  }

  /**
   * The instant `days` working days after `from` (a working day has business hours and is no
   * holiday): the same local time of day, on the `days`-th working day after `from`'s date. For
   * "close after 3 business days".
   */
  addWorkingDays(from: Date, days: number): Date {
    let day = this.ordinal(from.getTime());
    let left = Math.max(0, Math.floor(days));
    for (let steps = 0; left > 0; steps++) {
      if (steps > MAX_DAYS) throw new Error(`no working day found within ${MAX_DAYS} days in calendar "${this.calendar.name}"`);
      day++;
      this.ensure(day, day);
      if (this.day(day).length) left--;
    }
    const local = DateTime.fromMillis(from.getTime(), { zone: this.calendar.timeZone });
    const date = new Date(day * DAY_MS);
    return DateTime.fromObject(
      { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: local.hour, minute: local.minute, second: local.second, millisecond: local.millisecond },
      { zone: this.calendar.timeZone },
    ).toJSDate();
  }

  /** [from, to) cut into stretches inside and outside business hours, in order. */
  segments(from: Date, to: Date): HoursSegment[] {
    const a = from.getTime();
    const b = to.getTime();
    const out: HoursSegment[] = [];
    const push = (start: number, end: number, open: boolean, holiday: boolean) => {
      if (end <= start) return;
      const prev = out.at(-1);
      if (prev && prev.open === open && prev.holiday === holiday && prev.end.getTime() === start) prev.end = new Date(end);
      else out.push({ start: new Date(start), end: new Date(end), open, holiday });
    };
    if (b <= a) return out;
    const first = this.ordinal(a);
    const last = this.ordinal(b);
    this.ensure(first, last);
    let at = a;
    for (let day = first; day <= last; day++) {
      const holiday = this.holiday[day - this.base]!;
      for (const [s, e] of this.day(day)) {
        const begin = Math.max(s, a);
        const end = Math.min(e, b);
        if (end <= begin) continue;
        push(at, begin, false, false);
        push(begin, end, true, false);
        at = end;
      }
      if (holiday) {
        const dayStart = Math.max(this.dayStart(day), a);
        const dayEnd = Math.min(this.dayStart(day + 1), b);
        push(at, dayStart, false, false);
        push(Math.max(at, dayStart), dayEnd, false, true);
        at = Math.max(at, dayEnd);
      }
    }
    push(at, b, false, false);
    return out;
  }

  private day(ordinal: number): Interval[] {
    return this.open[ordinal - this.base]!;
  }

  /** The day ordinal of the local date at instant `ms`. */
  private ordinal(ms: number): number {
    const local = DateTime.fromMillis(ms, { zone: this.calendar.timeZone });
    return Math.round(Date.UTC(local.year, local.month - 1, local.day) / DAY_MS);
  }

  private dayStart(ordinal: number): number {
    const date = new Date(ordinal * DAY_MS);
    return DateTime.fromObject({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }, { zone: this.calendar.timeZone }).toMillis();
  }

  /** Computes (once) the open intervals of every day from `first` to `last`. */
  private ensure(first: number, last: number): void {
    if (!this.open.length) {
      this.base = first;
      this.open = [];
      this.cum = [0];
    }
    if (first < this.base) {
      // Rare (an older instant than any seen): rebuild from the earlier day.
      const until = this.base + this.open.length - 1;
      this.open = [];
      this.holiday = [];
      this.cum = [0];
      this.base = first;
      last = Math.max(last, until);
    }
    while (this.base + this.open.length <= last) {
      const ordinal = this.base + this.open.length;
      const { intervals, holiday } = this.compute(ordinal);
      this.open.push(intervals);
      this.holiday.push(holiday);
      this.cum.push(this.cum.at(-1)! + intervals.reduce((sum, [s, e]) => sum + (e - s), 0));
    }
  }

  private compute(ordinal: number): { intervals: Interval[]; holiday: boolean } {
    const date = new Date(ordinal * DAY_MS);
    const ymd = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
    const iso = date.toISOString().slice(0, 10);
    if (this.calendar.holidays.has(iso)) return { intervals: [], holiday: true };
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    const zone = this.calendar.timeZone;
    const at = (minutes: number) =>
      minutes >= 1440
        ? DateTime.fromObject(ymd, { zone }).plus({ days: 1 }).toMillis()
        : DateTime.fromObject({ ...ymd, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone }).toMillis();
    const intervals = this.calendar.week[weekday]!.map(([s, e]) => [at(s), at(e)] as const).filter(([s, e]) => e > s);
    return { intervals, holiday: false };
  }
}

function overlap(intervals: Interval[], from: number, to: number): number {
  let total = 0;
  for (const [s, e] of intervals) total += Math.max(0, Math.min(e, to) - Math.max(s, from));
  return total;
}
