import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { Priority } from "../../../src/core/priority.js";
import { BusinessHours, parseHolidays, parseWeek, type BusinessCalendar } from "../../../src/modules/tickets/business-hours.js";
import { TicketStatus } from "../../../src/modules/tickets/ticket.enums.js";
import { applyStatusChange, scheduleDeadlines, timeOpen, type SlaClock, type SlaTargets } from "../../../src/modules/tickets/ticket.sla.js";

const ZONE = "Europe/Berlin";
const calendar = (week: string, holidays = ""): BusinessCalendar => ({ name: week, timeZone: ZONE, week: parseWeek(week), holidays: parseHolidays(holidays) });
/** A Berlin wall-clock time as an instant. */
const berlin = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
const office = new BusinessHours(calendar("Mon-Fri 09:00-17:00", "2026-12-25, 2026-12-26"));
const HOUR = 3600;

describe("business hours", () => {
  it("reads weeks as day ranges and lists with one or more intervals, and names what it cannot read", () => {
    const week = parseWeek("Mon-Fri 09:00-12:00 13:00-17:00; Sat,Sun 10:00-14:00");
    expect(week[1]).toEqual([[540, 720], [780, 1020]]);
    expect(week[6]).toEqual([[600, 840]]);
    expect(week[7]).toEqual([[600, 840]]);
    expect(parseWeek("Fri-Mon 00:00-24:00")[3]).toEqual([]);
    expect(() => parseWeek("Mon-Fri 17:00-09:00")).toThrow(/not a time range/);
    expect(() => parseWeek("Funday 09:00-10:00")).toThrow(/unknown weekday/);
    expect(() => parseWeek("Mon 09:00-12:00 11:00-13:00")).toThrow(/overlapping/);
    expect(() => parseWeek("every day")).toThrow(/cannot read/);
    expect(() => parseHolidays("2026-13-40")).toThrow(/not a date/);
  });

  it("counts only open hours across a weekend, and finds the deadline on Monday", () => {
    expect(office.secondsBetween(berlin("2026-03-06T16:00"), berlin("2026-03-09T10:00"))).toBe(2 * HOUR);
    expect(office.addSeconds(berlin("2026-03-06T16:00"), 2 * HOUR)).toEqual(berlin("2026-03-09T10:00"));
    expect(office.secondsBetween(berlin("2026-03-07T08:00"), berlin("2026-03-08T20:00"))).toBe(0);
    // Time outside hours does not count: an instant at 20:00 starts the clock at 09:00 the next day.
    expect(office.addSeconds(berlin("2026-03-02T20:00"), HOUR)).toEqual(berlin("2026-03-03T10:00"));
  });

  it("keeps a working day eight hours long when the clocks change, and a whole day 23 or 25 hours", () => {
    // Spring forward on Sunday 29 March 2026, fall back on Sunday 25 October 2026.
    expect(office.addSeconds(berlin("2026-03-27T16:00"), 2 * HOUR).toISOString()).toBe("2026-03-30T08:00:00.000Z");
    expect(office.secondsBetween(berlin("2026-03-27T09:00"), berlin("2026-03-30T17:00"))).toBe(16 * HOUR);
    const always = new BusinessHours(calendar("Mon-Sun 00:00-24:00"));
    expect(always.secondsBetween(berlin("2026-03-29T00:00"), berlin("2026-03-30T00:00"))).toBe(23 * HOUR);
    expect(always.secondsBetween(berlin("2026-10-25T00:00"), berlin("2026-10-26T00:00"))).toBe(25 * HOUR);
    expect(always.addSeconds(berlin("2026-10-25T00:00"), 25 * HOUR)).toEqual(berlin("2026-10-26T00:00"));
  });

  it("skips holidays", () => {
    // Christmas Day 2026 is a Friday: Thursday 16:00 + 2 h lands on Monday 10:00.
    expect(office.addSeconds(berlin("2026-12-24T16:00"), 2 * HOUR)).toEqual(berlin("2026-12-28T10:00"));
    expect(office.secondsBetween(berlin("2026-12-24T00:00"), berlin("2026-12-29T00:00"))).toBe(16 * HOUR);
  });

  it("counts working days past weekends and holidays, keeping the time of day", () => {
    expect(office.addWorkingDays(berlin("2026-12-23T11:15"), 2)).toEqual(berlin("2026-12-28T11:15")); // Thu 24, (Fri 25 holiday), Mon 28
    expect(office.addWorkingDays(berlin("2026-03-27T10:00"), 1)).toEqual(berlin("2026-03-30T10:00")); // across the clock change
    expect(office.addWorkingDays(berlin("2026-03-27T10:00"), 0)).toEqual(berlin("2026-03-27T10:00"));
  });

  it("explains a stretch of time as open, closed and holiday segments", () => {
    const parts = office.segments(berlin("2026-12-24T16:00"), berlin("2026-12-28T10:00"));
    expect(parts.map((p) => [p.start.toISOString(), p.end.toISOString(), p.open, p.holiday])).toEqual([
      [berlin("2026-12-24T16:00").toISOString(), berlin("2026-12-24T17:00").toISOString(), true, false],
      [berlin("2026-12-24T17:00").toISOString(), berlin("2026-12-25T00:00").toISOString(), false, false],
      [berlin("2026-12-25T00:00").toISOString(), berlin("2026-12-27T00:00").toISOString(), false, true],
      [berlin("2026-12-27T00:00").toISOString(), berlin("2026-12-28T09:00").toISOString(), false, false],
      [berlin("2026-12-28T09:00").toISOString(), berlin("2026-12-28T10:00").toISOString(), true, false],
    ]);
  });

  it("adds up: the time from a to c is a to b plus b to c, and adding then measuring gives the same seconds", () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const start = berlin("2026-01-01T00:00").getTime();
    const year = 365 * 86_400_000;
    for (let i = 0; i < 200; i++) {
      const [a, b, c] = [random(), random(), random()].map((r) => new Date(start + Math.floor(r * year))).sort((x, y) => x.getTime() - y.getTime()) as [Date, Date, Date];
      // Whole seconds per part: the sum may lose under a second to rounding on each side.
      expect(Math.abs(office.secondsBetween(a, c) - office.secondsBetween(a, b) - office.secondsBetween(b, c))).toBeLessThanOrEqual(1);
      const s = Math.floor(random() * 200 * HOUR);
      expect(office.secondsBetween(a, office.addSeconds(a, s))).toBe(s);
    }
  });
});

describe("an SLA clock in business hours", () => {
  const targets: SlaTargets = {
    firstResponseMinutes: { LOW: 1440, NORMAL: 480, HIGH: 120, URGENT: 30 },
    resolutionMinutes: { LOW: 10080, NORMAL: 2400, HIGH: 960, URGENT: 240 },
    atRiskPercent: 80,
    hours: office,
  };
  const ticket = (createdAt: Date): SlaClock => {
    const clock: SlaClock = {
      createdAt,
      priority: Priority.NORMAL,
      clockPausedSince: null,
      pausedSeconds: 0,
      firstResponseAt: null,
      firstResponseSeconds: null,
      firstResponseLate: false,
      firstResponseDueAt: createdAt,
      resolutionDueAt: createdAt,
      slaDueAt: createdAt,
      slaAtRiskAt: createdAt,
    };
    scheduleDeadlines(clock, targets);
    return clock;
  };

  it("sets deadlines and the at-risk point in business time", () => {
    const clock = ticket(berlin("2026-03-06T16:00")); // a Friday, an hour before closing
    expect(clock.firstResponseDueAt).toEqual(berlin("2026-03-09T16:00")); // 1 h Friday + 7 h Monday
    expect(clock.slaAtRiskAt).toEqual(berlin("2026-03-09T14:24")); // 80% of 8 h = 6 h 24 min in
    expect(clock.resolutionDueAt).toEqual(berlin("2026-03-13T16:00")); // 40 business hours
    expect(timeOpen(clock, berlin("2026-03-09T09:30"), office)).toBe(1.5 * HOUR);
  });

  it("measures a pause in business time and pushes the deadlines by it", () => {
    const clock = ticket(berlin("2026-03-06T16:00"));
    applyStatusChange(clock, TicketStatus.OPEN, TicketStatus.WAITING_ON_CUSTOMER, berlin("2026-03-09T10:00"), targets);
    applyStatusChange(clock, TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.IN_PROGRESS, berlin("2026-03-10T10:00"), targets);
    expect(clock.pausedSeconds).toBe(8 * HOUR); // Monday 10:00 to Tuesday 10:00 is one business day
    expect(clock.firstResponseDueAt).toEqual(berlin("2026-03-10T16:00"));
    expect(timeOpen(clock, berlin("2026-03-10T11:00"), office)).toBe(3 * HOUR);
  });
});
