import { describe, expect, it } from "vitest";
import { InvalidTransitionError } from "../../../src/core/errors.js";
import { TicketStatus } from "../../../src/modules/tickets/ticket.enums.js";
import { allowedTransitions, assertTransition, canTransition, statusAfterComment } from "../../../src/modules/tickets/ticket.states.js";
import { Role } from "../../../src/modules/users/user.role.js";

const { OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED, CLOSED } = TicketStatus;
const ALL = [OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED, CLOSED];
const agent = { role: Role.AGENT, isRequester: false };
const admin = { role: Role.ADMIN, isRequester: false };
const requester = { role: Role.CUSTOMER, isRequester: true };
const stranger = { role: Role.CUSTOMER, isRequester: false };

// The whole table, written out: every pair not listed here must be rejected.
const STAFF_ALLOWED: [TicketStatus, TicketStatus][] = [
  [OPEN, IN_PROGRESS],
  [OPEN, CLOSED],
  [IN_PROGRESS, WAITING_ON_CUSTOMER],
  [IN_PROGRESS, RESOLVED],
  [IN_PROGRESS, CLOSED],
  [WAITING_ON_CUSTOMER, IN_PROGRESS],
  [WAITING_ON_CUSTOMER, RESOLVED],
  [WAITING_ON_CUSTOMER, CLOSED],
  [RESOLVED, OPEN],
  [RESOLVED, CLOSED],
];
const REQUESTER_ALLOWED: [TicketStatus, TicketStatus][] = [
  [OPEN, CLOSED],
  [IN_PROGRESS, CLOSED],
  [WAITING_ON_CUSTOMER, CLOSED],
  [RESOLVED, OPEN],
  [RESOLVED, CLOSED],
];

const allowedSet = (pairs: [TicketStatus, TicketStatus][]) => new Set(pairs.map(([a, b]) => `${a}>${b}`));

describe("ticket state machine", () => {
  for (const [name, actor, pairs] of [
    ["an agent", agent, STAFF_ALLOWED],
    ["an admin", admin, STAFF_ALLOWED],
    ["the requesting customer", requester, REQUESTER_ALLOWED],
    ["another customer", stranger, []],
  ] as const) {
    it(`lets ${name} make exactly the allowed moves`, () => {
      const allowed = allowedSet([...pairs]);
      for (const from of ALL) {
        for (const to of ALL) {
          expect(canTransition(from, to, actor), `${from} -> ${to}`).toBe(allowed.has(`${from}>${to}`));
        }
      }
    });
  }

  it("treats CLOSED as final for everyone", () => {
    for (const actor of [agent, admin, requester]) expect(allowedTransitions(CLOSED, actor)).toEqual([]);
  });

  it("rejects a move with INVALID_TRANSITION naming the current status and the allowed ones", () => {
    let error: unknown;
    try {
      assertTransition(OPEN, RESOLVED, agent);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect((error as InvalidTransitionError).extensions).toEqual({ code: "INVALID_TRANSITION", currentStatus: OPEN, allowedTransitions: [IN_PROGRESS, CLOSED] });
  });

  it("tells a customer they may only withdraw their ticket before it is resolved", () => {
    expect(() => assertTransition(IN_PROGRESS, RESOLVED, requester)).toThrow(/allowed from here: CLOSED/);
    expect(() => assertTransition(IN_PROGRESS, CLOSED, stranger)).toThrow(/no transition is allowed from here for you/);
  });

  it("moves a waiting ticket back to IN_PROGRESS when the customer replies publicly, and nothing else", () => {
    expect(statusAfterComment(WAITING_ON_CUSTOMER, { role: Role.CUSTOMER }, false)).toBe(IN_PROGRESS);
    expect(statusAfterComment(WAITING_ON_CUSTOMER, { role: Role.AGENT }, false)).toBeNull();
    expect(statusAfterComment(WAITING_ON_CUSTOMER, { role: Role.AGENT }, true)).toBeNull();
    for (const status of [OPEN, IN_PROGRESS, RESOLVED, CLOSED]) expect(statusAfterComment(status, { role: Role.CUSTOMER }, false)).toBeNull();
  });
});
