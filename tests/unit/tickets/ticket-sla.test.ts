import { describe, expect, it } from "vitest";
import { Priority } from "../../../src/core/priority.js";
import { TicketStatus } from "../../../src/modules/tickets/ticket.enums.js";
import {
  applyStatusChange,
  isBreached,
  recordFirstResponse,
  scheduleDeadlines,
  SlaState,
  slaSecondsLeft,
  slaState,
  timeOpen,
  timeToFirstResponse,
  type SlaClock,
  type SlaTargets,
} from "../../../src/modules/tickets/ticket.sla.js";

const { OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED, CLOSED } = TicketStatus;
const targets: SlaTargets = {
  firstResponseMinutes: { LOW: 240, NORMAL: 60, HIGH: 30, URGENT: 10 },
  resolutionMinutes: { LOW: 2400, NORMAL: 600, HIGH: 240, URGENT: 120 },
  atRiskPercent: 80,
  hours: null,
};
const T0 = new Date("2026-03-02T09:00:00.000Z");
/** A clock hand `minutes` after creation. */
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function newTicket(priority = Priority.NORMAL): SlaClock {
  const clock: SlaClock = {
    createdAt: T0,
    priority,
    clockPausedSince: null,
    pausedSeconds: 0,
    firstResponseAt: null,
    firstResponseSeconds: null,
    firstResponseLate: false,
    firstResponseDueAt: T0,
    resolutionDueAt: T0,
    slaDueAt: T0,
    slaAtRiskAt: T0,
  };
  scheduleDeadlines(clock, targets);
  return clock;
}

describe("SLA clock", () => {
  it("sets the deadlines from the priority's targets", () => {
    const clock = newTicket(Priority.HIGH);
    expect(clock.firstResponseDueAt).toEqual(at(30));
    expect(clock.resolutionDueAt).toEqual(at(240));
  });

  it("counts open time from creation and reports no first response before one", () => {
    const clock = newTicket();
    expect(timeOpen(clock, at(25))).toBe(25 * 60);
    expect(timeToFirstResponse(clock)).toBeNull();
  });

  it("does not count time waiting on the customer, and moves the deadlines by the pause", () => {
    const clock = newTicket(); // first response due at +60, resolution at +600
    applyStatusChange(clock, OPEN, IN_PROGRESS, at(10), targets);
    applyStatusChange(clock, IN_PROGRESS, WAITING_ON_CUSTOMER, at(20), targets);
    expect(timeOpen(clock, at(50))).toBe(20 * 60); // the clock stands still while waiting
    applyStatusChange(clock, WAITING_ON_CUSTOMER, IN_PROGRESS, at(80), targets);
    expect(clock.pausedSeconds).toBe(60 * 60);
    expect(clock.firstResponseDueAt).toEqual(at(120));
    expect(clock.resolutionDueAt).toEqual(at(660));
    expect(timeOpen(clock, at(90))).toBe(30 * 60);
  });

  it("adds up several pauses", () => {
    const clock = newTicket();
    applyStatusChange(clock, IN_PROGRESS, WAITING_ON_CUSTOMER, at(10), targets);
    applyStatusChange(clock, WAITING_ON_CUSTOMER, IN_PROGRESS, at(15), targets);
    applyStatusChange(clock, IN_PROGRESS, WAITING_ON_CUSTOMER, at(30), targets);
    applyStatusChange(clock, WAITING_ON_CUSTOMER, IN_PROGRESS, at(40), targets);
    expect(clock.pausedSeconds).toBe(15 * 60);
    expect(timeOpen(clock, at(100))).toBe(85 * 60);
  });

  it("stops the clock when resolved and closed, and resumes it without the resolved time on reopen", () => {
    const clock = newTicket();
    applyStatusChange(clock, IN_PROGRESS, RESOLVED, at(100), targets);
    expect(timeOpen(clock, at(500))).toBe(100 * 60);
    applyStatusChange(clock, RESOLVED, OPEN, at(200), targets);
    expect(timeOpen(clock, at(230))).toBe(130 * 60);
    applyStatusChange(clock, OPEN, CLOSED, at(250), targets);
    expect(timeOpen(clock, at(9999))).toBe(150 * 60);
  });

  it("keeps the clock stopped from resolution through closing", () => {
    const clock = newTicket();
    applyStatusChange(clock, IN_PROGRESS, RESOLVED, at(100), targets);
    applyStatusChange(clock, RESOLVED, CLOSED, at(300), targets);
    expect(clock.clockPausedSince).toEqual(at(100));
    expect(timeOpen(clock, at(1000))).toBe(100 * 60);
  });

  it("measures the first response in working time and judges it once", () => {
    const clock = newTicket(); // due at +60
    applyStatusChange(clock, IN_PROGRESS, WAITING_ON_CUSTOMER, at(20), targets);
    applyStatusChange(clock, WAITING_ON_CUSTOMER, IN_PROGRESS, at(70), targets); // due moves to +110
    recordFirstResponse(clock, at(100), targets);
    expect(timeToFirstResponse(clock)).toBe(50 * 60);
    expect(clock.firstResponseLate).toBe(false);
    recordFirstResponse(clock, at(500), targets); // a later response changes nothing
    expect(clock.firstResponseAt).toEqual(at(100));
    expect(isBreached(clock, at(200))).toBe(false);
  });

  it("breaches when the first response comes late, and stays breached", () => {
    const clock = newTicket(Priority.URGENT); // first response due at +10
    recordFirstResponse(clock, at(11), targets);
    expect(clock.firstResponseLate).toBe(true);
    expect(isBreached(clock, at(12))).toBe(true);
  });

  it("breaches once a deadline passes with the clock running", () => {
    const clock = newTicket(); // first response due at +60
    expect(isBreached(clock, at(59))).toBe(false);
    expect(isBreached(clock, at(61))).toBe(true);
  });

  it("does not breach while waiting on the customer, however long", () => {
    const clock = newTicket();
    recordFirstResponse(clock, at(5), targets);
    applyStatusChange(clock, IN_PROGRESS, WAITING_ON_CUSTOMER, at(10), targets);
    expect(isBreached(clock, at(100_000))).toBe(false);
  });

  it("judges a resolved ticket by when it was resolved", () => {
    const onTime = newTicket();
    recordFirstResponse(onTime, at(5), targets);
    applyStatusChange(onTime, IN_PROGRESS, RESOLVED, at(599), targets);
    expect(isBreached(onTime, at(100_000))).toBe(false);
    const late = newTicket();
    recordFirstResponse(late, at(5), targets);
    applyStatusChange(late, IN_PROGRESS, RESOLVED, at(601), targets);
    expect(isBreached(late, at(601))).toBe(true);
  });

  it("moves the deadlines when the priority changes, keeping the pauses", () => {
    const clock = newTicket(Priority.LOW);
    applyStatusChange(clock, IN_PROGRESS, WAITING_ON_CUSTOMER, at(10), targets);
    applyStatusChange(clock, WAITING_ON_CUSTOMER, IN_PROGRESS, at(40), targets);
    clock.priority = Priority.URGENT;
    scheduleDeadlines(clock, targets);
    expect(clock.firstResponseDueAt).toEqual(at(40));
    expect(clock.resolutionDueAt).toEqual(at(150));
  });

  it("names the next deadline, when it turns at risk, and the seconds left", () => {
    const clock = newTicket(); // NORMAL: first response due at +60, at risk from +48 (80%)
    expect(clock.slaDueAt).toEqual(at(60));
    expect(clock.slaAtRiskAt).toEqual(at(48));
    expect(slaState(clock, OPEN, at(47))).toBe(SlaState.ON_TRACK);
    expect(slaState(clock, OPEN, at(48))).toBe(SlaState.AT_RISK);
    expect(slaSecondsLeft(clock, OPEN, at(50))).toBe(10 * 60);
    recordFirstResponse(clock, at(50), targets); // now the resolution (+600) is next, at risk from +480
    expect(clock.slaDueAt).toEqual(at(600));
    expect(clock.slaAtRiskAt).toEqual(at(480));
    expect(slaState(clock, IN_PROGRESS, at(100))).toBe(SlaState.ON_TRACK);
    applyStatusChange(clock, IN_PROGRESS, WAITING_ON_CUSTOMER, at(500), targets);
    expect(slaState(clock, WAITING_ON_CUSTOMER, at(900))).toBe(SlaState.PAUSED);
    expect(slaSecondsLeft(clock, WAITING_ON_CUSTOMER, at(900))).toBe(100 * 60); // frozen at the pause
    applyStatusChange(clock, WAITING_ON_CUSTOMER, IN_PROGRESS, at(1000), targets); // paused 500 minutes
    expect(clock.slaDueAt).toEqual(at(1100));
    expect(clock.slaAtRiskAt).toEqual(at(980));
    expect(slaState(clock, IN_PROGRESS, at(1000))).toBe(SlaState.AT_RISK);
    expect(slaState(clock, IN_PROGRESS, at(1101))).toBe(SlaState.BREACHED);
    expect(slaSecondsLeft(clock, IN_PROGRESS, at(1101))).toBe(-60);
    applyStatusChange(clock, IN_PROGRESS, RESOLVED, at(1102), targets);
    expect(slaState(clock, RESOLVED, at(2000))).toBe(SlaState.BREACHED);
    expect(slaSecondsLeft(clock, RESOLVED, at(2000))).toBeNull();
  });

  it("calls a ticket resolved in time MET", () => {
    const clock = newTicket(Priority.HIGH);
    recordFirstResponse(clock, at(5), targets);
    applyStatusChange(clock, OPEN, RESOLVED, at(60), targets);
    expect(slaState(clock, RESOLVED, at(10_000))).toBe(SlaState.MET);
  });
});
